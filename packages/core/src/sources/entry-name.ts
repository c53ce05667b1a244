import { z } from "zod";

/**
 * The name of a source's single entry inside the archive: a relative POSIX path that cannot
 * escape the restore folder (restore refuses such entries anyway; this says so at config time).
 */
export const entryNameSchema = z
  .string()
  .min(1)
  .refine(
    (name) =>
      !name.startsWith("/") &&
      !name.includes("\\") &&
      name.split("/").every((part) => part !== "" && part !== "." && part !== ".."),
    { message: 'expected a relative file name such as "db.dump" (no leading "/", no ".." or empty parts)' },
  );

/** A default entry name made from a database name: one path segment, whatever the name holds. */
export function entryNameFrom(base: string, extension: string): string {
  const safe = base.replace(/[/\\\0]/g, "_").replace(/^\.+/, "_");
  return `${safe || "dump"}${extension}`;
}

import { statfs } from "node:fs/promises";
import { CairnError } from "../errors.js";
import { formatBytes } from "../retention/index.js";

/** A full drill needs room for everything the source gave; say so before filling the disk. */
export async function checkRoom(dir: string, bytes: number): Promise<void> {
  const space = await statfs(dir).catch(() => undefined);
  if (!space) return;
  const free = space.bavail * space.bsize;
  if (free >= bytes) return;
  throw new CairnError(
    "USAGE",
    `the drill needs ${formatBytes(bytes)} to restore into ${dir}, which has ${formatBytes(free)} free`,
    { hint: "give a folder on a bigger disk with --sandbox DIR, or restore a few files with --sample N" },
  );
}

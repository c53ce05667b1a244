import { routeError } from "./api-error.js";

/**
 * Checks a path argument the way Dropbox does: "/"-separated, absolute, no empty or dot
 * components, no trailing slash. `allowRoot` accepts "" (the root) where the route does.
 */
export function checkPath(value: unknown, field: string, allowRoot = false): string {
  if (allowRoot && value === "") return "";
  const path = typeof value === "string" ? value : "";
  const parts = path.split("/").slice(1);
  const malformed =
    !path.startsWith("/") || parts.some((p) => p === "" || p === "." || p === ".." || p.includes("\\"));
  if (malformed) {
    throw routeError({ ".tag": field, [field]: { ".tag": "malformed_path" } });
  }
  return path;
}

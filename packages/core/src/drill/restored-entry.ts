import { join } from "node:path";
import type { RestoredFiles } from "../contracts/source.js";

/**
 * Where a drill restored the file entry `name`, or undefined when it was not restored (a sample
 * that left it out). For single-entry sources (database dumps) checking what they made.
 */
export async function restoredFile(restored: RestoredFiles, name: string): Promise<string | undefined> {
  for await (const entry of restored.entries()) {
    if (entry.path === name && entry.type === "file") return join(restored.dir, ...name.split("/"));
  }
  return undefined;
}

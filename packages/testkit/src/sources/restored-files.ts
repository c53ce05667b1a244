import type { RestoredFiles } from "@cairn/core";

/**
 * What a drill hands a source's `checkRestored`: the folder it restored into, holding the file
 * entries named (in that order). For the tests of a source's drill checks.
 */
export function restoredFiles(dir: string, ...names: string[]): RestoredFiles {
  return {
    dir,
    entries: async function* () {
      for (const path of names) yield { path, type: "file" as const };
    },
  };
}

import { access } from "node:fs/promises";
import { resolve } from "node:path";
import { CairnError } from "../errors.js";

export const CONFIG_NAMES = ["cairn.config.yaml", "cairn.config.yml", "cairn.config.json"] as const;

/** The config file given with --config, or the first of CONFIG_NAMES in the working directory. */
export async function findConfigFile(explicit: string | undefined, cwd = process.cwd()): Promise<string> {
  if (explicit) {
    const full = resolve(cwd, explicit);
    if (!(await exists(full))) {
      throw new CairnError("CONFIG_NOT_FOUND", `config file ${full} does not exist`, {
        hint: "check the --config path, or run `cairn init` to write an example config",
      });
    }
    return full;
  }
  for (const name of CONFIG_NAMES) {
    const full = resolve(cwd, name);
    if (await exists(full)) return full;
  }
  throw new CairnError(
    "CONFIG_NOT_FOUND",
    `no cairn config in ${cwd} (looked for ${CONFIG_NAMES.join(", ")})`,
    {
      hint: "run `cairn init` to write a commented example, or pass --config PATH",
    },
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

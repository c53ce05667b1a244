import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  type CairnConfig,
  CairnError,
  type ConfiguredJob,
  type DecryptionKeys,
  expandHome,
  parseIdentityFile,
} from "@cairn/core";
import { collectGarbage } from "./v8-flags.js";

/** `--identity FILE` of restore and verify: repeatable, each one a file. */
export function collectIdentity(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * The keys to try on a job's encrypted backups: the files given with `--identity`, then the
 * job's own `encryption.identities` and passphrase. The files' contents are secrets from here on.
 */
export async function decryptionKeys(
  config: CairnConfig,
  job: ConfiguredJob | undefined,
  files: readonly string[],
  cwd: string,
): Promise<DecryptionKeys> {
  const identities = [];
  for (const file of files) {
    const full = resolve(cwd, expandHome(file));
    const text = await readFile(full, "utf8").catch((cause: unknown) => {
      throw new CairnError("USAGE", `cannot read the identity file ${full}`, {
        cause,
        hint: "check the path given with --identity and that this user may read it",
      });
    });
    config.secrets.add(text.trim());
    for (const line of text.split(/\r?\n/))
      if (line.startsWith("AGE-SECRET-KEY-")) config.secrets.add(line.trim());
    try {
      identities.push(...(await parseIdentityFile(text)));
    } catch (error) {
      throw new CairnError("USAGE", `--identity ${file}: ${(error as Error).message}`, {
        hint: "pass an age identity file (age-keygen or cairn keygen) or an unencrypted SSH private key",
      });
    }
  }
  // Parsing loaded the age libraries: collect their garbage before the archive streams.
  if (files.length > 0) collectGarbage();
  identities.push(...(job?.encryption?.identities ?? []));
  return { identities, passphrases: job?.encryption?.passphrases ?? [] };
}

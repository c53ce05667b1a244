import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  type CairnConfig,
  CairnError,
  type ConfiguredJob,
  type DecryptionKeys,
  expandHome,
  type ParsedIdentity,
  parseIdentityFile,
} from "@cairn/core";
import { collectGarbage } from "./v8-flags.js";

/** `--identity FILE` of restore and verify: repeatable, each one a file. */
export function collectIdentity(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * The keys to try on a job's encrypted backups at a destination: the files given with
 * `--identity`, then the `encryption.identities` and passphrase of the job and of the destination
 * read from (one that encrypts on its own); every destination of the job's when that is not known
 * yet (`undefined`).
 */
export async function decryptionKeys(
  config: CairnConfig,
  job: ConfiguredJob | undefined,
  destination: string | undefined,
  files: readonly string[],
  cwd: string,
): Promise<DecryptionKeys> {
  return keysAt(config, job, destination, await readIdentities(config, files, cwd));
}

/** The identities in the `--identity` files; their contents are secrets from here on. */
export async function readIdentities(
  config: CairnConfig,
  files: readonly string[],
  cwd: string,
): Promise<ParsedIdentity[]> {
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
  return identities;
}

/** The given identities plus what the config holds for the job and the destination (or all of the job's). */
export function keysAt(
  config: CairnConfig,
  job: ConfiguredJob | undefined,
  destination: string | undefined,
  given: readonly ParsedIdentity[],
): DecryptionKeys {
  const identities = [...given];
  const passphrases = [];
  const at = destination === undefined ? (job?.destinations ?? []) : [destination];
  for (const encryption of [job?.encryption, ...at.map((d) => config.destinations.get(d)?.encryption)]) {
    identities.push(...(encryption?.identities ?? []));
    passphrases.push(...(encryption?.passphrases ?? []));
  }
  return { identities, passphrases };
}

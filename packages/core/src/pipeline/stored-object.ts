import { createHash } from "node:crypto";
import type { CompleteBackup } from "../catalog/list-backups.js";
import type { RunContext } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { CairnError } from "../errors.js";

/** Throws VERIFY_FAILED unless the stored bytes read are the ones the manifest recorded. */
export function matchManifest(backup: CompleteBackup, size: number, sha256: string): void {
  const expected = backup.manifest.archive;
  if (size !== expected.size || sha256 !== expected.sha256) {
    throw new CairnError(
      "VERIFY_FAILED",
      `archive ${backup.archive.key} does not match its manifest (${size} bytes, sha256 ${sha256.slice(0, 12)}…; expected ${expected.size} bytes, ${expected.sha256.slice(0, 12)}…)`,
      { hint: "this copy is damaged; restore from another destination or an older backup" },
    );
  }
}

/** Reads the stored object whole and checks its SHA-256 and size, without opening it. */
export async function checkStoredObject(
  destination: Destination,
  backup: CompleteBackup,
  ctx: RunContext,
): Promise<{ size: number; sha256: string }> {
  const body = await destination.get(backup.archive.key, { signal: ctx.signal });
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  const sha256 = hash.digest("hex");
  matchManifest(backup, size, sha256);
  return { size, sha256 };
}

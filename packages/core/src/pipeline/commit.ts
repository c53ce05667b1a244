import { Readable } from "node:stream";
import type { SecretSet } from "../config/secrets.js";
import type { RunContext } from "../contracts/context.js";
import type { StoredObject } from "../contracts/destination.js";
import { CairnError } from "../errors.js";
import { type Manifest, serializeManifest } from "../manifest.js";
import { manifestKey } from "../naming.js";
import type { OpenDestination } from "./open-destinations.js";
import { summarizeError } from "./outcome.js";
import type { DestinationResult } from "./results.js";
import type { BranchOutcome } from "./tee.js";

/**
 * Writes the manifest at each destination that stored the whole archive: only then does the
 * backup exist there. Where the manifest cannot be written, the archive is removed again. Each
 * destination has its own manifest (`manifests[i]`): one that encrypts on its own stores another
 * object, with its own key, size and SHA-256.
 */
export async function commitBackup(
  destinations: readonly OpenDestination[],
  outcomes: readonly BranchOutcome<StoredObject>[],
  manifests: readonly Manifest[],
  secrets: SecretSet,
  ctx: RunContext,
): Promise<DestinationResult[]> {
  const results: DestinationResult[] = [];
  for (const [i, open] of destinations.entries()) {
    const outcome = outcomes[i]!;
    const manifest = manifests[i]!;
    const key = manifest.archive.key;
    const result: DestinationResult = { destination: open.name, status: "failed", archiveKey: key };
    results.push(result);
    if (!outcome.ok) {
      result.error = summarizeError(outcome.error, secrets);
      ctx.logger.error(`upload to ${open.name} failed: ${result.error.message}`);
      continue;
    }
    try {
      if (outcome.value.size !== manifest.archive.size) {
        throw new CairnError(
          "DESTINATION_IO",
          `${open.name} stored ${outcome.value.size} of ${manifest.archive.size} bytes`,
        );
      }
      const body = serializeManifest(manifest);
      await open.destination.put(manifestKey(manifest.job, manifest.id), Readable.from([body]), {
        size: body.length,
        signal: ctx.signal,
      });
      result.status = "ok";
    } catch (error) {
      result.error = summarizeError(error, secrets);
      await open.destination.delete(key).catch(() => undefined);
    }
  }
  return results;
}

import type { Destination } from "@cairn/core";

/**
 * For `cairn prune`: a sentence saying that deleted backups still cost money for a while,
 * or undefined. Works on any destination: only those that know such a notice (GCS with soft
 * delete on) give one. Never throws: a notice is not worth failing a prune for.
 */
export async function softDeleteNotice(destination: Destination): Promise<string | undefined> {
  const withNotice = destination as Destination & { deletionNotice?: () => Promise<string | undefined> };
  if (typeof withNotice.deletionNotice !== "function") return undefined;
  try {
    return await withNotice.deletionNotice();
  } catch {
    return undefined;
  }
}

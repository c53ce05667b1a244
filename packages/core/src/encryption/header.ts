import { createCipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/**
 * The header half of an age file (age-encryption.org/v1, "Header"), for public-key recipients:
 * the version line, one stanza per wrapped copy of the file key, and an HMAC-SHA256 over all of
 * it under a key derived from the file key.
 *
 * cairn reads headers with `age-encryption` and writes them here: that package's index loads its
 * post-quantum and P-256 recipients with it, about 9 MiB resident and 4 MiB of live heap, and a
 * larger live heap lets V8 leave more dead Buffers between collections (measured in
 * apps/cli/src/memory.test.ts: an encrypted backup peaked 20 to 25 MiB above a plain one with
 * the package loaded). The primitives are node:crypto's; the tests check every header written
 * here with `age-encryption`'s own decrypter and with the age CLI.
 */

/** One stanza: its arguments (the first names the recipient type) and its raw body. */
export interface HeaderStanza {
  readonly args: string[];
  readonly body: Uint8Array;
}

/** Something that wraps a file key into stanzas for one recipient (X25519, ssh-ed25519, ssh-rsa). */
export interface StanzaRecipient {
  wrapFileKey(fileKey: Uint8Array): HeaderStanza[] | Promise<HeaderStanza[]>;
}

const VERSION_LINE = "age-encryption.org/v1\n";
/** Stanza bodies are base64 without padding, 64 columns a line (48 bytes). */
const BODY_LINE_BYTES = 48;
const FILE_KEY_SIZE = 16;

/** A stanza's text: its argument line, then its body, whose last line is always short (maybe empty). */
function stanzaText({ args, body }: HeaderStanza): string {
  const lines = [`-> ${args.join(" ")}\n`];
  for (let at = 0; at < body.length; at += BODY_LINE_BYTES) {
    lines.push(`${base64NoPad(body.subarray(at, at + BODY_LINE_BYTES))}\n`);
  }
  if (body.length % BODY_LINE_BYTES === 0) lines.push("\n");
  return lines.join("");
}

/** base64 without padding, as the format writes it (standard alphabet). */
export function base64NoPad(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64").replace(/=+$/, "");
}

/** A stanza body: the file key sealed with ChaCha20-Poly1305 under a one-use key (nonce zero). */
export function sealFileKey(key: Uint8Array, fileKey: Uint8Array): Buffer {
  const cipher = createCipheriv("chacha20-poly1305", key, Buffer.alloc(12), { authTagLength: 16 });
  return Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
}

/** The header for these stanzas, its MAC made with the file key they wrap. */
export function encodeHeader(stanzas: HeaderStanza[], fileKey: Uint8Array): Buffer {
  const unsigned = `${VERSION_LINE}${stanzas.map(stanzaText).join("")}---`;
  const macKey = Buffer.from(hkdfSync("sha256", fileKey, new Uint8Array(0), "header", 32));
  const mac = createHmac("sha256", macKey).update(unsigned).digest();
  return Buffer.from(`${unsigned} ${base64NoPad(mac)}\n`);
}

/** A new file key, wrapped for every recipient, and the header that carries it. */
export async function recipientsHeader(
  recipients: StanzaRecipient[],
): Promise<{ header: Buffer; fileKey: Uint8Array }> {
  if (recipients.length === 0) throw new Error("an age header needs at least one recipient");
  const fileKey = new Uint8Array(randomBytes(FILE_KEY_SIZE));
  const stanzas: HeaderStanza[] = [];
  for (const recipient of recipients) stanzas.push(...(await recipient.wrapFileKey(fileKey)));
  return { header: encodeHeader(stanzas, fileKey), fileKey };
}

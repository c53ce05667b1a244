import { randomBytes } from "node:crypto";
import { bech32 } from "@scure/base";
import { Decrypter, generateX25519Identity, identityToRecipient, type Stanza } from "age-encryption";
import { describe, expect, it } from "vitest";
import { encodeHeader, type HeaderStanza, recipientsHeader } from "./header.js";
import { X25519Recipient } from "./x25519.js";

/** Opens a header with age-encryption, which checks its syntax and MAC, and returns the file key. */
async function openHeader(header: Buffer, identity: string): Promise<Uint8Array> {
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  return decrypter.decryptHeader(header);
}

describe("age header", () => {
  it("wraps one file key for every X25519 recipient, each of which alone opens it", async () => {
    const identities = [await generateX25519Identity(), await generateX25519Identity()];
    const recipients = await Promise.all(identities.map((i) => identityToRecipient(i)));
    const { header, fileKey } = await recipientsHeader(recipients.map((r) => new X25519Recipient(r)));
    expect(header.toString()).toMatch(/^age-encryption\.org\/v1\n-> X25519 \S{43}\n\S{43}\n-> X25519 /);
    for (const identity of identities)
      expect(Buffer.from(await openHeader(header, identity))).toEqual(Buffer.from(fileKey));
  });

  it("draws a new file key and new ephemeral shares for every header", async () => {
    const recipient = new X25519Recipient(await identityToRecipient(await generateX25519Identity()));
    const [a, b] = [await recipientsHeader([recipient]), await recipientsHeader([recipient])];
    expect(Buffer.from(a.fileKey).equals(Buffer.from(b.fileKey))).toBe(false);
    expect(a.header.subarray(0, 70).equals(b.header.subarray(0, 70))).toBe(false);
  });

  // Bodies are 64 columns a line and end with a short line: one of exactly 48 bytes (64
  // columns) is followed by an empty line, or a reader takes the next stanza for its body.
  it.each([0, 1, 47, 48, 96, 100])(
    "writes a %i-byte stanza body as the format's readers expect",
    async (size) => {
      const fileKey = new Uint8Array(randomBytes(16));
      const bodies: HeaderStanza[] = [
        { args: ["example.org/test", "a"], body: new Uint8Array(randomBytes(size)) },
        { args: ["example.org/test", "b"], body: new Uint8Array(randomBytes(size)) },
      ];
      const header = encodeHeader(bodies, fileKey);
      const seen: Stanza[] = [];
      const decrypter = new Decrypter();
      decrypter.addIdentity({
        unwrapFileKey(stanzas: Stanza[]) {
          seen.push(...stanzas);
          return fileKey;
        },
      });
      // The package checks the MAC with the key the identity gave back.
      await decrypter.decryptHeader(header);
      expect(seen.map((s) => [s.args, Buffer.from(s.body)])).toEqual(
        bodies.map((s) => [s.args, Buffer.from(s.body)]),
      );
    },
  );

  it("refuses a header that is not the one its MAC was made for", async () => {
    const identity = await generateX25519Identity();
    const { header } = await recipientsHeader([new X25519Recipient(await identityToRecipient(identity))]);
    const other = await recipientsHeader([new X25519Recipient(await identityToRecipient(identity))]);
    // The second header's stanza with the first one's MAC.
    const forged = Buffer.concat([
      other.header.subarray(0, other.header.indexOf("---")),
      header.subarray(header.indexOf("---")),
    ]);
    await expect(openHeader(forged, identity)).rejects.toThrow(/MAC/i);
  });

  it("refuses public keys that are not age X25519 keys", () => {
    const zero = bech32.encode("age", bech32.toWords(new Uint8Array(32)));
    expect(() => new X25519Recipient(zero).wrapFileKey(new Uint8Array(16))).toThrow(/low-order/);
    const valid = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    expect(() => new X25519Recipient(`${valid.slice(0, -1)}q`)).toThrow(/not a valid age public key/);
    expect(() => new X25519Recipient(bech32.encode("age", bech32.toWords(new Uint8Array(31))))).toThrow(
      /32 bytes/,
    );
    expect(() => new X25519Recipient(bech32.encode("agx", bech32.toWords(new Uint8Array(32))))).toThrow(
      /not a valid age public key/,
    );
  });
});

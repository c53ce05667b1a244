import { createSecretKey } from "node:crypto";
import type { Client } from "ssh2";

/**
 * Where ssh2's packet ciphers keep the keys they hand to `createCipheriv`, `createDecipheriv`
 * and `createHmac` for every packet (AES-GCM and ChaCha20-Poly1305 build a cipher per packet;
 * the CTR modes an HMAC per packet).
 */
export const KEY_FIELDS = [
  "_encKey",
  "_decipherKey",
  "_encKeyMain",
  "_encKeyPktLen",
  "_decKeyMain",
  "_decKeyPktLen",
  "_macKey",
] as const;

/** What ssh2 keeps but its types do not show: the protocol with its current packet ciphers. */
interface ProtocolInternals {
  _protocol?: { _cipher?: Record<string, unknown>; _decipher?: Record<string, unknown> };
}

/**
 * Node 24 tells a KeyObject from a Buffer key by trying to read the KeyObject's private slots
 * and catching the error when that fails, twice per call. ssh2 without its optional native
 * binding (cairn builds no native addons) passes Buffer keys, so each 32 KiB packet paid for
 * two thrown errors: a fifth of cairn's CPU time on an upload. The same keys as KeyObjects
 * take the quick path. ssh2 installs new ciphers at every key exchange, so this runs again
 * after each one. Only a speed-up: fields a future ssh2 does not have are left alone.
 */
export function keepPacketKeysAsKeyObjects(ssh: Client): void {
  const convert = () => {
    const protocol = (ssh as unknown as ProtocolInternals)._protocol;
    for (const cipher of [protocol?._cipher, protocol?._decipher]) {
      if (!cipher) continue;
      for (const field of KEY_FIELDS) {
        const key = cipher[field];
        if (Buffer.isBuffer(key) && key.length > 0) cipher[field] = createSecretKey(key);
      }
    }
  };
  convert();
  ssh.on("handshake", convert);
}

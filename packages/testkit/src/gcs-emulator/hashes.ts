import { createHash, type Hash } from "node:crypto";

// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum GCS keeps for every object.
// Slicing-by-8 tables: a plain byte-at-a-time loop is too slow for the 300 MB tests.
const TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const t0 = tables[0] as Uint32Array;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t0[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t0[n] as number;
    for (let k = 1; k < 8; k++) {
      c = (t0[c & 0xff] as number) ^ (c >>> 8);
      (tables[k] as Uint32Array)[n] = c >>> 0;
    }
  }
  return tables;
})();

/** Extends a running CRC32C (start with 0) over `data`. */
export function crc32cUpdate(crc: number, data: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  let c = ~crc >>> 0;
  let i = 0;
  const end8 = data.length - (data.length % 8);
  while (i < end8) {
    const a =
      (c ^
        ((data[i] as number) |
          ((data[i + 1] as number) << 8) |
          ((data[i + 2] as number) << 16) |
          ((data[i + 3] as number) << 24))) >>>
      0;
    c =
      (t7[a & 0xff] as number) ^
      (t6[(a >>> 8) & 0xff] as number) ^
      (t5[(a >>> 16) & 0xff] as number) ^
      (t4[a >>> 24] as number) ^
      (t3[data[i + 4] as number] as number) ^
      (t2[data[i + 5] as number] as number) ^
      (t1[data[i + 6] as number] as number) ^
      (t0[data[i + 7] as number] as number);
    i += 8;
  }
  while (i < data.length) {
    c = (t0[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
    i++;
  }
  return ~c >>> 0;
}

/** GCS's wire form of a CRC32C: the 4 big-endian bytes in base64. */
export function crc32cToBase64(crc: number): string {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(crc >>> 0);
  return buffer.toString("base64");
}

/** Running CRC32C and MD5 over an object as it is written, never holding it whole. */
export class ObjectHasher {
  private crc = 0;
  private readonly md5: Hash = createHash("md5");

  update(chunk: Uint8Array): void {
    this.crc = crc32cUpdate(this.crc, chunk);
    this.md5.update(chunk);
  }

  digest(): { crc32c: string; md5Hash: string } {
    return { crc32c: crc32cToBase64(this.crc), md5Hash: this.md5.digest("base64") };
  }
}

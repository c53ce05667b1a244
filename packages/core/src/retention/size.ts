export class SizeError extends Error {
  override name = "SizeError";
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/;

// "GB" is decimal and "GiB" binary, as printed on disks and in cloud bills; a bare "G" is
// binary, as in restic's own size flags, so that a restic user's numbers mean the same here.
const FACTORS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1e3,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1e9,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1e12,
  tib: 1024 ** 4,
  p: 1024 ** 5,
  pb: 1e15,
  pib: 1024 ** 5,
};

/** Bytes from `20GB` (decimal), `20GiB` or `20G` (binary), `1.5TB`, or a number of bytes. Rounds down. */
export function parseSize(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) {
      throw new SizeError(`size ${value} is not a number of bytes ≥ 0`);
    }
    return Math.floor(value);
  }
  const match = SIZE.exec(value.trim());
  const factor = match ? FACTORS[(match[2] ?? "").toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new SizeError(
      `cannot read size "${value}": write a number of bytes or a number with a unit such as "500MB", "20GB" (decimal) or "20GiB" (binary)`,
    );
  }
  const bytes = Math.floor(Number(match[1]) * factor);
  if (!Number.isSafeInteger(bytes)) throw new SizeError(`size "${value}" is too large`);
  return bytes;
}

/**
 * Every size cairn prints (tables, progress, reasons, errors, plugins' messages): decimal units,
 * as disks and cloud bills count them: `812 B`, `1.50 MB`, `20.0 GB`. docs/cli.md says so.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = "B";
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${unit}`;
}

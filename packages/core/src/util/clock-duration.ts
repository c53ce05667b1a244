const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/**
 * Wall-clock durations such as "10m", "90s", "1h30m" or "2d", in milliseconds. (Retention's
 * durations are calendar ones, where "m" is a month; these are for timeouts and settling.)
 */
export function parseClockDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = PART.exec(trimmed); match; match = PART.exec(trimmed)) {
    total += Number(match[1]) * UNITS[match[2]!]!;
    consumed = PART.lastIndex;
  }
  return consumed === trimmed.length ? total : undefined;
}

/** The other way: 600000 → "10m", 90000 → "1m30s", 1500 → "1.5s". */
export function formatClockDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let left = ms;
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
  ] as const) {
    const n = Math.floor(left / size);
    if (n > 0) parts.push(`${n}${unit}`);
    left -= n * size;
  }
  if (left > 0) parts.push(`${Number((left / 1000).toFixed(3))}s`);
  return parts.join("");
}

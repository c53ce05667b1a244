import { randomInt } from "node:crypto";

/** A random whole number in [0, below). */
export type RandomInt = (below: number) => number;

export const cryptoRandomInt: RandomInt = (below) => randomInt(below);

/**
 * `count` distinct positions out of `0..total-1`, each set of them equally likely (Floyd's
 * algorithm): memory grows with the sample, never with the backup.
 */
export function samplePositions(
  total: number,
  count: number,
  random: RandomInt = cryptoRandomInt,
): Set<number> {
  const chosen = new Set<number>();
  for (let j = total - Math.min(count, total); j < total; j++) {
    const pick = random(j + 1);
    chosen.add(chosen.has(pick) ? j : pick);
  }
  return chosen;
}

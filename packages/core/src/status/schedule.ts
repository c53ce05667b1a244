import { Cron } from "croner";
import { CairnError } from "../errors.js";

/**
 * Checks a cron expression (5 fields, or 6 with seconds first) and returns a paused Cron for
 * asking about its runs. Time zone is the job's, so "0 3 * * *" is 03:00 where the user lives.
 */
export function parseSchedule(expression: string, timeZone: string): Cron {
  try {
    return new Cron(expression, { timezone: timeZone, paused: true });
  } catch (cause) {
    throw new CairnError(
      "CONFIG_INVALID",
      `schedule "${expression}" is not a cron expression: ${(cause as Error).message}`,
      {
        cause,
        hint: 'use five fields (minute hour day month weekday), e.g. "0 3 * * *" for 03:00 every day, or six with seconds first',
      },
    );
  }
}

/**
 * The longest gap between consecutive runs over the next few weeks: a weekday-only schedule has
 * a 3-day gap over the weekend, and a backup must not look stale just because it is Monday.
 */
export function longestInterval(expression: string, timeZone: string, from: Date): number | undefined {
  const runs = parseSchedule(expression, timeZone).nextRuns(64, from);
  let longest: number | undefined;
  for (let i = 1; i < runs.length; i++) {
    const gap = runs[i]!.getTime() - runs[i - 1]!.getTime();
    longest = longest === undefined ? gap : Math.max(longest, gap);
  }
  return longest;
}

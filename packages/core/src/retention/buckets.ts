import type { WallClock } from "./zone.js";

export type Period = "hourly" | "daily" | "weekly" | "monthly" | "yearly";

/**
 * One number per calendar bucket. Month, day and hour stay below the multipliers, so distinct
 * buckets get distinct keys for any year, negative ones included.
 */
export function bucketKey(period: Period, wall: WallClock): number {
  switch (period) {
    case "hourly":
      return ((wall.year * 100 + wall.month) * 100 + wall.day) * 100 + wall.hour;
    case "daily":
      return (wall.year * 100 + wall.month) * 100 + wall.day;
    case "weekly": {
      const { year, week } = isoWeek(wall);
      return year * 100 + week;
    }
    case "monthly":
      return wall.year * 100 + wall.month;
    case "yearly":
      return wall.year;
  }
}

/** ISO 8601 week: weeks start on Monday, and week 1 is the one holding January 4. */
export function isoWeek(wall: Pick<WallClock, "year" | "month" | "day">): { year: number; week: number } {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  const weekday = date.getUTCDay() || 7;
  // The Thursday of this week decides which year the week belongs to.
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const year = date.getUTCFullYear();
  const jan1 = new Date(0);
  jan1.setUTCFullYear(year, 0, 1);
  const dayOfYear = Math.round((date.getTime() - jan1.getTime()) / 86_400_000);
  return { year, week: Math.floor(dayOfYear / 7) + 1 };
}

import { addDays, dayNumber, localDay } from "@/lib/chair-scope";
import { scopeBounds, type ScopeBounds } from "@/server/department/chair-scope-sql";
import { testDb } from "./db";

const END_OF_TIME = new Date("9999-12-31T00:00:00Z");

/** Everything from `since` on. */
export const from = (since: Date): ScopeBounds => ({ since, until: END_OF_TIME });

/** The `days` × 24 hours up to and including `now`. */
export const rolling = (now: Date, days: number): ScopeBounds => ({
  since: new Date(now.getTime() - days * 24 * 3600_000),
  until: new Date(now.getTime() + 1),
});

/** The department's last `days` calendar days, today included. */
export function lastDays(now: Date, days: number, timeZone: string): Promise<ScopeBounds> {
  const today = localDay(now, timeZone);
  return scopeBounds(testDb(), { from: addDays(today, 1 - days), to: today }, timeZone);
}

/** The department's last `weeks` weeks, Monday to Sunday, this week included. */
export function lastWeeks(now: Date, weeks: number, timeZone: string): Promise<ScopeBounds> {
  const today = localDay(now, timeZone);
  const isoWeekday = ((((dayNumber(today)! + 3) % 7) + 7) % 7) + 1;
  return scopeBounds(testDb(), { from: addDays(today, 1 - isoWeekday - 7 * (weeks - 1)), to: today }, timeZone);
}

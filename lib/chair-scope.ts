import { z } from "zod";
import { PATIENT_LOCATIONS, patientLocationSchema, PRIORITY_CLASSES, priorityClassSchema } from "./priority/classes";

/**
 * What the chair's figures cover: a range of the department's calendar days (both ends included)
 * and filters on the studies. Days are plain YYYY-MM-DD strings on the department's clock; the
 * server turns them into instants in its time zone, so a DST day is 23 or 25 hours long.
 */

/** The longest range a chair can ask for: a leap year. */
export const MAX_RANGE_DAYS = 366;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a YYYY-MM-DD day, or null when it is not a calendar date. */
export function dayNumber(day: string): number | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(t);
  // Date.UTC rolls 2026-02-30 over into March: a date that does not round-trip is not a date.
  if (back.getUTCFullYear() !== Number(m[1]) || back.getUTCMonth() !== Number(m[2]) - 1) return null;
  return t / 86_400_000;
}

/** The YYYY-MM-DD day `n` days after `day` (before it when negative). */
export function addDays(day: string, n: number): string {
  const d = dayNumber(day);
  if (d === null) throw new Error(`not a date: ${day}`);
  return new Date((d + n) * 86_400_000).toISOString().slice(0, 10);
}

/** The department's calendar day at `now`, YYYY-MM-DD. */
export function localDay(now: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

const daySchema = z
  .string()
  .regex(DAY, "a date as YYYY-MM-DD")
  .refine((d) => dayNumber(d) !== null, "not a calendar date");

export const chairFiltersSchema = z.object({
  modalities: z.array(z.string().trim().min(1).max(16)).max(20).default([]),
  priorities: z.array(priorityClassSchema).max(PRIORITY_CLASSES.length).default([]),
  locations: z.array(patientLocationSchema).max(PATIENT_LOCATIONS.length).default([]),
  /** PACS source ids. */
  sources: z.array(z.string().min(1).max(64)).max(50).default([]),
  /** Reading group keys (routing). */
  groups: z.array(z.string().min(1).max(64)).max(50).default([]),
});
export type ChairFilters = z.infer<typeof chairFiltersSchema>;
export const NO_CHAIR_FILTERS: ChairFilters = {
  modalities: [],
  priorities: [],
  locations: [],
  sources: [],
  groups: [],
};

export const chairScopeSchema = z
  .object({ from: daySchema, to: daySchema, filters: chairFiltersSchema.default(NO_CHAIR_FILTERS) })
  .refine((s) => s.from <= s.to, { message: "the range ends before it starts", path: ["to"] })
  // Only once both ends are dates: a bad date is reported as such, not as a range too long.
  .refine((s) => dayNumber(s.from) === null || dayNumber(s.to) === null || rangeDays(s.from, s.to) <= MAX_RANGE_DAYS, {
    message: `a range of at most ${MAX_RANGE_DAYS} days`,
    path: ["from"],
  });
export type ChairScope = z.infer<typeof chairScopeSchema>;

/** Days in the range, both ends counted. */
export function rangeDays(from: string, to: string): number {
  return (dayNumber(to) ?? 0) - (dayNumber(from) ?? 0) + 1;
}

/** How many Mondays (1) … Sundays (7) the range holds: a heat-map cell divided by its count is an average day. */
export function weekdayCounts(from: string, to: string): Record<number, number> {
  const counts: Record<number, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0 };
  const first = dayNumber(from)!;
  for (let d = first; d <= dayNumber(to)!; d++) {
    // 1970-01-01 was a Thursday (ISO weekday 4).
    counts[((((d + 3) % 7) + 7) % 7) + 1]! += 1;
  }
  return counts;
}

export function hasFilters(f: ChairFilters): boolean {
  return Object.values(f).some((v) => v.length > 0);
}

export const RANGE_PRESETS = [
  { key: "today", label: "Today" },
  { key: "yesterday", label: "Yesterday" },
  { key: "last7", label: "Last 7 days" },
  { key: "last28", label: "Last 4 weeks" },
  { key: "thisMonth", label: "This month" },
  { key: "lastMonth", label: "Last month" },
  { key: "last365", label: "Last 12 months" },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]["key"];

/** A preset's days, counted back from `today` (the department's day; "last N days" include today). */
export function presetRange(preset: RangePreset, today: string): { from: string; to: string } {
  const monthStart = (day: string) => `${day.slice(0, 8)}01`;
  switch (preset) {
    case "today":
      return { from: today, to: today };
    case "yesterday":
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case "last7":
      return { from: addDays(today, -6), to: today };
    case "last28":
      return { from: addDays(today, -27), to: today };
    case "thisMonth":
      return { from: monthStart(today), to: today };
    case "lastMonth": {
      const lastOfPrevious = addDays(monthStart(today), -1);
      return { from: monthStart(lastOfPrevious), to: lastOfPrevious };
    }
    case "last365":
      return { from: addDays(today, -364), to: today };
  }
}

/** The preset a range is, on `today`, if any (so the picker shows "Last 7 days" rather than two dates). */
export function matchingPreset(range: { from: string; to: string }, today: string): RangePreset | null {
  for (const p of RANGE_PRESETS) {
    const r = presetRange(p.key, today);
    if (r.from === range.from && r.to === range.to) return p.key;
  }
  return null;
}

/**
 * A range of days (both ends included) as the whole calendar months inside it and the days left
 * at either end, for rollups kept per day and per month. `months` is [first month's 1st, the 1st
 * after the last month) or null; `days` are [first, last] day pairs, both included.
 */
export function wholeMonthsAndDays(
  from: string,
  to: string,
): { months: [string, string] | null; days: [string, string][] } {
  const firstOfMonth = (day: string) => `${day.slice(0, 8)}01`;
  const nextMonth = (day: string) => {
    const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
    return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
  };
  const untilDay = addDays(to, 1);
  const firstWhole = from === firstOfMonth(from) ? from : nextMonth(from);
  const endWhole = firstOfMonth(untilDay);
  if (firstWhole >= endWhole) return { months: null, days: [[from, to]] };
  const days: [string, string][] = [];
  if (from < firstWhole) days.push([from, addDays(firstWhole, -1)]);
  if (endWhole < untilDay) days.push([endWhole, to]);
  return { months: [firstWhole, endWhole], days };
}

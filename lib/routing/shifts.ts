import { z } from "zod";

/**
 * Shift schedules: a weekly pattern of who covers which groups when, plus one-off changes
 * (an extra shift on a date, or a date's weekly shifts cancelled). Times are the
 * department's wall clock; a shift whose end is not after its start runs past midnight.
 */
export type ShiftEntry = {
  /** ISO weekday, 1 = Monday … 7 = Sunday, for a weekly shift; null for a one-off change. */
  weekday: number | null;
  /** YYYY-MM-DD for a one-off change; null for a weekly shift. */
  date: string | null;
  /** Minutes after local midnight. */
  startMinute: number;
  endMinute: number;
  /** The groups covered on this shift (of the reader's own); empty: all their groups. */
  groups: string[];
  /** A one-off "off": the weekly shifts overlapping it do not count. */
  off: boolean;
};

/**
 * The audit actions that put a reader on duty (their switch, or their schedule's shift starting)
 * and take them off (the switch, the schedule, or a lapsed claim): a shift as worked runs from one
 * to the other.
 */
export const DUTY_ON_ACTIONS = ["reader.on-duty", "reader.shift-start"];
export const DUTY_OFF_ACTIONS = ["reader.off-duty", "reader.shift-end"];

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

const minutesOf = (v: string) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3, 5));
const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time is HH:MM (24-hour)")
  .transform(minutesOf);
/** An end may also be 24:00 (midnight at the end of the day). */
const endHhmm = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "a time is HH:MM (24-hour, or 24:00 for midnight)")
  .transform(minutesOf);

/** One shift as an admin or scheduler types it. */
export const shiftInputSchema = z
  .object({
    weekday: z.number().int().min(1).max(7).nullable(),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "a date is YYYY-MM-DD")
      .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "not a calendar date")
      .nullable(),
    start: hhmm,
    end: endHhmm,
    groups: z.array(z.string().min(1).max(40)).max(50).default([]),
    off: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    if ((s.weekday === null) === (s.date === null))
      ctx.addIssue({ code: "custom", message: "a shift is either weekly (a weekday) or one-off (a date)" });
    if (s.off && s.date === null)
      ctx.addIssue({ code: "custom", message: "only a one-off change can take a reader off (pick a date)" });
    if (s.start === s.end) ctx.addIssue({ code: "custom", message: "a shift's start and end are the same time" });
  })
  .transform((s): ShiftEntry => ({
    weekday: s.weekday,
    date: s.date,
    startMinute: s.start,
    endMinute: s.end,
    groups: [...new Set(s.groups)].sort(),
    off: s.off,
  }));

/** The department's wall clock at an instant: local date, ISO weekday and minute of the day. */
export function localClock(now: Date, timeZone: string): { date: string; weekday: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const date = `${get("year")}-${get("month")}-${get("day")}`;
  const weekday = ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
  return { date, weekday, minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

const previousDate = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const previousWeekday = (weekday: number) => (weekday === 1 ? 7 : weekday - 1);

/** Whether a shift covers the local clock: on its own day from its start, or past midnight into the next day. */
export function shiftCovers(shift: ShiftEntry, clock: { date: string; weekday: number; minute: number }): boolean {
  const overnight = shift.endMinute <= shift.startMinute;
  const startsOn = (date: string, weekday: number) =>
    shift.date !== null ? shift.date === date : shift.weekday === weekday;
  if (
    startsOn(clock.date, clock.weekday) &&
    clock.minute >= shift.startMinute &&
    (overnight || clock.minute < shift.endMinute)
  )
    return true;
  return (
    overnight && startsOn(previousDate(clock.date), previousWeekday(clock.weekday)) && clock.minute < shift.endMinute
  );
}

export type ScheduledDuty = { onDuty: boolean; groups: string[] };

/**
 * What a reader's schedule says now: on duty (and for which groups; empty: all theirs) or
 * off. A one-off "off" cancels the weekly shifts it overlaps; a one-off extra shift counts
 * regardless. Null when the reader has no schedule (their duty switch alone decides).
 */
export function scheduledDuty(shifts: readonly ShiftEntry[], now: Date, timeZone: string): ScheduledDuty | null {
  if (shifts.length === 0) return null;
  const clock = localClock(now, timeZone);
  const covering = shifts.filter((s) => shiftCovers(s, clock));
  const cancelled = covering.some((s) => s.off);
  const active = covering.filter((s) => !s.off && (s.date !== null || !cancelled));
  if (active.length === 0) return { onDuty: false, groups: [] };
  if (active.some((s) => s.groups.length === 0)) return { onDuty: true, groups: [] };
  return { onDuty: true, groups: [...new Set(active.flatMap((s) => s.groups))].sort() };
}

/** Minutes after midnight as HH:MM (1440 is 24:00). */
export const clockText = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

/** "Monday 08:00–16:00", "2026-12-24 off 00:00–24:00" and so on, for pages and audit details. */
export function describeShift(s: ShiftEntry): string {
  const day = s.date ?? WEEKDAYS[(s.weekday ?? 1) - 1];
  return `${day}${s.off ? " off" : ""} ${clockText(s.startMinute)}–${clockText(s.endMinute)}`;
}

/** The instant a wall-clock time (minutes after midnight; 1440 is the next midnight) on a local date has in the time zone. */
export function zonedInstant(date: string, minute: number, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minute);
  // The zone's offset at a guess, applied twice, settles on the right side of a DST change.
  let at = wall;
  for (let i = 0; i < 2; i++) {
    const c = localClock(new Date(at), timeZone);
    const shown = Date.parse(`${c.date}T00:00:00Z`) + c.minute * 60_000;
    at += wall - shown;
  }
  return new Date(at);
}

const sameDuty = (a: ScheduledDuty | null, b: ScheduledDuty | null) =>
  a?.onDuty === b?.onDuty && (a?.groups ?? []).join() === (b?.groups ?? []).join();

/**
 * When the schedule next says something else (a shift starts or ends, or covers other
 * groups), within the coming eight days, with what it will say then; null when nothing
 * changes (or there is no schedule).
 */
export function nextShiftChange(
  shifts: readonly ShiftEntry[],
  now: Date,
  timeZone: string,
): { at: Date; duty: ScheduledDuty } | null {
  if (shifts.length === 0) return null;
  const current = scheduledDuty(shifts, now, timeZone);
  const today = localClock(now, timeZone).date;
  const edges = new Set<number>();
  for (let day = -1; day <= 8; day++) {
    const date = new Date(Date.parse(`${today}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10);
    for (const s of shifts) {
      // Every shift's start and end on every nearby date: the ones that do not apply change nothing.
      edges.add(zonedInstant(date, s.startMinute, timeZone).getTime());
      const endDate =
        s.endMinute <= s.startMinute
          ? new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
          : date;
      edges.add(zonedInstant(endDate, s.endMinute, timeZone).getTime()); // 1440: the next midnight
    }
  }
  const horizon = now.getTime() + 8 * 86_400_000;
  for (const t of [...edges].filter((t) => t > now.getTime() && t <= horizon).sort((a, b) => a - b)) {
    const duty = scheduledDuty(shifts, new Date(t), timeZone);
    if (duty && !sameDuty(duty, current)) return { at: new Date(t), duty };
  }
  return null;
}

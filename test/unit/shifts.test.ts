import { describe, expect, it } from "vitest";
import {
  describeShift,
  localClock,
  nextShiftChange,
  scheduledDuty,
  shiftInputSchema,
  zonedInstant,
  type ShiftEntry,
} from "@/lib/routing/shifts";

// Calendar facts below come from `TZ=… date -d …` (GNU date), not from the code under test:
// 2026-12-07 is a Monday and New York is UTC-5 then; 2026-03-08 (a Sunday) is the day New York
// moves to UTC-4 at 02:00; 2026-12-31 is a Thursday in Berlin (UTC+1).
const NY = "America/New_York";
const weekly = (weekday: number, start: number, end: number, groups: string[] = []): ShiftEntry => ({
  weekday,
  date: null,
  startMinute: start,
  endMinute: end,
  groups,
  off: false,
});
const once = (date: string, start: number, end: number, extra: Partial<ShiftEntry> = {}): ShiftEntry => ({
  weekday: null,
  date,
  startMinute: start,
  endMinute: end,
  groups: [],
  off: false,
  ...extra,
});
const h = (hours: number) => hours * 60;

describe("localClock", () => {
  it("gives the department's date, ISO weekday and minute", () => {
    expect(localClock(new Date("2026-12-07T17:30:00Z"), NY)).toEqual({
      date: "2026-12-07",
      weekday: 1,
      minute: 12 * 60 + 30,
    });
    // 03:00 UTC on Tuesday is still Monday 22:00 in New York.
    expect(localClock(new Date("2026-12-08T03:00:00Z"), NY)).toEqual({
      date: "2026-12-07",
      weekday: 1,
      minute: 22 * 60,
    });
    expect(localClock(new Date("2026-12-31T23:30:00Z"), "Europe/Berlin")).toEqual({
      date: "2027-01-01",
      weekday: 5,
      minute: 30,
    });
  });
  it("follows daylight saving time", () => {
    // 2026-03-08 07:30 UTC is 03:30 EDT (UTC-4), the day's clocks having jumped from 02:00 to 03:00.
    expect(localClock(new Date("2026-03-08T07:30:00Z"), NY)).toEqual({
      date: "2026-03-08",
      weekday: 7,
      minute: h(3) + 30,
    });
    expect(localClock(new Date("2026-03-08T06:30:00Z"), NY)).toEqual({
      date: "2026-03-08",
      weekday: 7,
      minute: h(1) + 30,
    });
  });
});

describe("scheduledDuty", () => {
  const monday = (hour: number, minute = 0) => new Date(Date.UTC(2026, 11, 7, hour + 5, minute)); // New York wall clock on Monday 2026-12-07

  it("is null without a schedule: the duty switch alone decides", () => {
    expect(scheduledDuty([], monday(9), NY)).toBeNull();
  });

  it("puts a reader on duty inside a weekly shift and off outside it; the end is exclusive", () => {
    const day = [weekly(1, h(8), h(16))];
    expect(scheduledDuty(day, monday(7, 59), NY)).toEqual({ onDuty: false, groups: [] });
    expect(scheduledDuty(day, monday(8), NY)).toEqual({ onDuty: true, groups: [] });
    expect(scheduledDuty(day, monday(15, 59), NY)).toEqual({ onDuty: true, groups: [] });
    expect(scheduledDuty(day, monday(16), NY)).toEqual({ onDuty: false, groups: [] });
    // Tuesday at 09:00 is not Monday's shift.
    expect(scheduledDuty(day, monday(24 + 9), NY)?.onDuty).toBe(false);
  });

  it("runs an overnight shift past midnight into the next weekday, and Sunday night into Monday", () => {
    const nights = [weekly(1, h(22), h(6))];
    expect(scheduledDuty(nights, monday(23), NY)?.onDuty).toBe(true);
    expect(scheduledDuty(nights, monday(24 + 5, 59), NY)?.onDuty).toBe(true);
    expect(scheduledDuty(nights, monday(24 + 6), NY)?.onDuty).toBe(false);
    // Monday 05:00 is the tail of Sunday's night shift, not of Monday's.
    expect(scheduledDuty(nights, monday(5), NY)?.onDuty).toBe(false);
    expect(scheduledDuty([weekly(7, h(22), h(6))], monday(5), NY)?.onDuty).toBe(true);
  });

  it("lets 24:00 end a shift at midnight and a 00:00–24:00 shift cover the whole day", () => {
    expect(scheduledDuty([weekly(1, h(16), h(24))], monday(23, 59), NY)?.onDuty).toBe(true);
    expect(scheduledDuty([weekly(1, h(16), h(24))], monday(24), NY)?.onDuty).toBe(false);
    expect(scheduledDuty([weekly(1, 0, h(24))], monday(0), NY)?.onDuty).toBe(true);
    expect(scheduledDuty([weekly(1, 0, h(24))], monday(24), NY)?.onDuty).toBe(false);
  });

  it("says which groups are covered: the union of the shifts now on, or all when one covers everything", () => {
    const split = [weekly(1, h(8), h(12), ["neuro"]), weekly(1, h(10), h(14), ["body", "neuro"])];
    expect(scheduledDuty(split, monday(9), NY)).toEqual({ onDuty: true, groups: ["neuro"] });
    expect(scheduledDuty(split, monday(11), NY)).toEqual({ onDuty: true, groups: ["body", "neuro"] });
    expect(scheduledDuty([...split, weekly(1, h(10), h(11))], monday(10, 30), NY)).toEqual({
      onDuty: true,
      groups: [],
    });
  });

  it("cancels weekly shifts where a one-off off overlaps them, and counts a one-off extra shift regardless", () => {
    const schedule = [weekly(1, h(8), h(16)), once("2026-12-07", h(12), h(24), { off: true })];
    expect(scheduledDuty(schedule, monday(9), NY)?.onDuty).toBe(true);
    expect(scheduledDuty(schedule, monday(13), NY)?.onDuty).toBe(false);
    // The next Monday the weekly shift is back.
    expect(scheduledDuty(schedule, monday(7 * 24 + 13), NY)?.onDuty).toBe(true);
    const covering = [...schedule, once("2026-12-07", h(14), h(15), { groups: ["chest"] })];
    expect(scheduledDuty(covering, monday(14, 30), NY)).toEqual({ onDuty: true, groups: ["chest"] });
  });

  it("runs a one-off overnight shift into the next date", () => {
    const extra = [once("2026-12-07", h(20), h(2))];
    expect(scheduledDuty(extra, monday(24 + 1), NY)?.onDuty).toBe(true);
    expect(scheduledDuty(extra, monday(24 + 2), NY)?.onDuty).toBe(false);
    expect(scheduledDuty(extra, monday(7 * 24 + 21), NY)?.onDuty).toBe(false);
  });

  it("keeps wall-clock hours across the daylight-saving change", () => {
    // Sunday 2026-03-08 08:00–16:00 New York time is 12:00–20:00 UTC (EDT, UTC-4), not 13:00–21:00.
    const sunday = [weekly(7, h(8), h(16))];
    expect(scheduledDuty(sunday, new Date("2026-03-08T12:00:00Z"), NY)?.onDuty).toBe(true);
    expect(scheduledDuty(sunday, new Date("2026-03-08T20:00:00Z"), NY)?.onDuty).toBe(false);
    expect(scheduledDuty(sunday, new Date("2026-03-08T11:59:00Z"), NY)?.onDuty).toBe(false);
  });
});

describe("shiftInputSchema", () => {
  const parse = (v: Record<string, unknown>) => shiftInputSchema.safeParse({ weekday: null, date: null, ...v });
  it("reads HH:MM times into minutes and sorts groups", () => {
    expect(parse({ weekday: 3, start: "07:30", end: "24:00", groups: ["neuro", "body", "neuro"] }).data).toEqual({
      weekday: 3,
      date: null,
      startMinute: 450,
      endMinute: 1440,
      groups: ["body", "neuro"],
      off: false,
    });
  });
  it.each([
    [{ start: "08:00", end: "16:00" }, "either weekly"],
    [{ weekday: 1, date: "2026-12-07", start: "08:00", end: "16:00" }, "either weekly"],
    [{ weekday: 1, start: "08:00", end: "16:00", off: true }, "only a one-off"],
    [{ weekday: 1, start: "08:00", end: "08:00" }, "same time"],
    [{ weekday: 1, start: "24:00", end: "08:00" }, "HH:MM"],
    [{ weekday: 1, start: "8:00", end: "16:00" }, "HH:MM"],
    [{ weekday: 8, start: "08:00", end: "16:00" }, "7"],
    [{ date: "2026-02-30x", start: "08:00", end: "16:00" }, "YYYY-MM-DD"],
  ])("refuses %j with a reason", (input, message) => {
    const r = parse(input);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(message);
  });
  it("describes shifts for pages and the audit log", () => {
    expect(describeShift(weekly(2, h(22), h(6)))).toBe("Tuesday 22:00–06:00");
    expect(describeShift(once("2026-12-24", 0, h(24), { off: true }))).toBe("2026-12-24 off 00:00–24:00");
  });
});

describe("nextShiftChange", () => {
  it("finds when the current shift ends, and when the next one starts", () => {
    const schedule = [weekly(1, h(8), h(16)), weekly(2, h(22), h(6), ["neuro"])];
    // Monday 09:00 New York (UTC-5): on until 16:00 = 21:00 UTC.
    expect(nextShiftChange(schedule, new Date("2026-12-07T14:00:00Z"), NY)).toEqual({
      at: new Date("2026-12-07T21:00:00Z"),
      duty: { onDuty: false, groups: [] },
    });
    // Monday 17:00: next on Tuesday 22:00 = Wednesday 03:00 UTC, for neuro.
    expect(nextShiftChange(schedule, new Date("2026-12-07T22:00:00Z"), NY)).toEqual({
      at: new Date("2026-12-09T03:00:00Z"),
      duty: { onDuty: true, groups: ["neuro"] },
    });
  });
  it("counts wall-clock hours across the daylight-saving change, and 24:00 as midnight", () => {
    // Sunday 2026-03-08 at 00:00 EST (05:00 UTC); the shift starts 08:00 EDT = 12:00 UTC.
    expect(nextShiftChange([weekly(7, h(8), h(24))], new Date("2026-03-08T05:00:00Z"), NY)?.at).toEqual(
      new Date("2026-03-08T12:00:00Z"),
    );
    // ... and ends at midnight EDT = 04:00 UTC on Monday.
    expect(nextShiftChange([weekly(7, h(8), h(24))], new Date("2026-03-08T13:00:00Z"), NY)?.at).toEqual(
      new Date("2026-03-09T04:00:00Z"),
    );
    expect(zonedInstant("2026-12-07", h(9), NY)).toEqual(new Date("2026-12-07T14:00:00Z"));
  });
  it("is null without a schedule, or when nothing changes in the coming week", () => {
    expect(nextShiftChange([], new Date("2026-12-07T14:00:00Z"), NY)).toBeNull();
    expect(nextShiftChange([once("2026-11-01", h(8), h(9))], new Date("2026-12-07T14:00:00Z"), NY)).toBeNull();
  });
});

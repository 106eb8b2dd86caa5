import { describe, expect, it } from "vitest";
import { DEMO_AI, DEMO_CLASSES, demoDutyShifts, planDemoHistory } from "@/lib/synthetic/demo-history";

// A Wednesday evening; the history is the 28 whole days before that day, and that day until then.
const end = new Date("2026-12-02T21:00:00Z");
const history = planDemoHistory(11, end);
const minutes = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 60_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("four weeks of demo history", () => {
  it("is the same for the same seed and end", () => {
    expect(planDemoHistory(11, end)).toEqual(history);
    expect(planDemoHistory(12, end)).not.toEqual(history);
  });

  it("holds only reads that ended before the end, each arrived → claimed → read, over 28 days", () => {
    for (const s of history) {
      expect(s.readAt < end).toBe(true);
      expect(s.claimedAt >= s.arrivedAt).toBe(true);
      expect(s.readAt > s.claimedAt).toBe(true);
    }
    expect(history[0]!.arrivedAt >= new Date("2026-11-04T00:00:00Z")).toBe(true);
    expect(history[0]!.arrivedAt < new Date("2026-11-04T02:00:00Z")).toBe(true);
  });

  it("arrives like a mid-size department: ~420 a weekday, quieter weekends, busy mornings, quiet nights", () => {
    const perDay = new Map<string, { n: number; weekday: number }>();
    for (const s of history) {
      const day = s.arrivedAt.toISOString().slice(0, 10);
      if (day === "2026-12-02") continue; // today is not over
      const d = perDay.get(day) ?? { n: 0, weekday: s.arrivedAt.getUTCDay() };
      d.n++;
      perDay.set(day, d);
    }
    expect(perDay.size).toBe(28);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Designed: the classes' studies per day sum to 420 on a weekday; 0.6 (Sunday) and 0.65 (Saturday) at weekends.
    expect(DEMO_CLASSES.reduce((a, c) => a + c.perDay, 0)).toBe(420);
    const weekdays = mean([...perDay.values()].filter((d) => d.weekday >= 1 && d.weekday <= 5).map((d) => d.n));
    const weekends = mean([...perDay.values()].filter((d) => d.weekday === 0 || d.weekday === 6).map((d) => d.n));
    expect(weekdays).toBeGreaterThan(380);
    expect(weekdays).toBeLessThan(460);
    expect(weekends / weekdays).toBeGreaterThan(0.5);
    expect(weekends / weekdays).toBeLessThan(0.75);
    const inHour = (h: number) => history.filter((s) => s.arrivedAt.getUTCHours() === h).length;
    expect(inHour(10)).toBeGreaterThan(4 * inHour(3));
  });

  it("has critical findings in about 1% of studies and AI flags in a few percent, at the published operating point", () => {
    const critical = history.filter((s) => s.critical).length / history.length;
    expect(critical).toBeGreaterThan(0.005);
    expect(critical).toBeLessThan(0.02);
    const flagged = history.filter((s) => s.ai?.flagged).length / history.length;
    expect(flagged).toBeGreaterThan(0.01);
    expect(flagged).toBeLessThan(0.06);
    const screened = history.filter((s) => s.ai);
    const positives = screened.filter((s) => s.critical);
    const negatives = screened.filter((s) => !s.critical);
    const sensitivity = positives.filter((s) => s.ai!.flagged).length / positives.length;
    const specificity = negatives.filter((s) => !s.ai!.flagged).length / negatives.length;
    expect(positives.length).toBeGreaterThan(80);
    // Binomial spread around 0.9 and 0.93 (±3 standard deviations).
    expect(Math.abs(sensitivity - DEMO_AI.sensitivity)).toBeLessThan(3 * Math.sqrt((0.9 * 0.1) / positives.length));
    expect(Math.abs(specificity - DEMO_AI.specificity)).toBeLessThan(3 * Math.sqrt((0.93 * 0.07) / negatives.length));
    // Only screened modalities have a result, and flags sit above the models' 0.5 threshold.
    for (const s of history) {
      expect(s.ai !== null).toBe(s.modality === "CT" ? s.bodyPart === "HEAD" : s.className.startsWith("Chest X-ray"));
      if (s.ai) expect(s.ai.probability >= 0.5).toBe(s.ai.flagged);
    }
  });

  it("has readers' feedback that tells the truth, on flagged and unflagged results alike", () => {
    const answered = history.filter((s) => s.feedback);
    for (const s of answered) expect(s.feedback).toBe(s.ai!.flagged === s.critical ? "confirmed" : "dismissed");
    // Answered as often whether flagged or not, so accuracy measured from feedback is not biased by what was asked.
    const share = (xs: typeof history) => xs.filter((s) => s.feedback).length / xs.length;
    const flags = history.filter((s) => s.ai?.flagged);
    const others = history.filter((s) => s.ai && !s.ai.flagged);
    expect(share(flags)).toBeGreaterThan(0.45);
    expect(share(flags)).toBeLessThan(0.75);
    expect(share(others)).toBeGreaterThan(0.55);
    expect(share(others)).toBeLessThan(0.65);
    expect(answered.some((s) => s.feedback === "dismissed" && s.ai!.flagged)).toBe(true);
    expect(answered.some((s) => s.feedback === "dismissed" && !s.ai!.flagged)).toBe(true);
  });

  it("is read by three readers in ReadNext's order: STAT ED head CTs wait far less than outpatient MRs", () => {
    // Most reads by their due time, but not all: one reader covers evenings and nights.
    const byDue = history.filter((s) => s.readAt <= s.dueAt).length / history.length;
    expect(byDue).toBeGreaterThan(0.85);
    expect(byDue).toBeLessThan(1);
    expect(new Set(history.map((s) => s.reader))).toEqual(new Set([0, 1, 2]));
    const wait = (name: string) =>
      median(history.filter((s) => s.className === name).map((s) => minutes(s.arrivedAt, s.claimedAt)));
    expect(wait("CT head, ED, STAT")).toBeLessThan(wait("MR brain, outpatient") / 5);
    // Due times from the SLA table: a STAT ED study is due 30 minutes after arrival unless the AI flagged it.
    const stat = history.find((s) => s.className === "CT head, ED, STAT" && !s.ai?.flagged && !s.pin)!;
    expect(minutes(stat.arrivedAt, stat.dueAt)).toBe(30);
    const pins = history.filter((s) => s.pin);
    expect(pins.length).toBeGreaterThan(0);
    for (const s of pins) expect(s.pin!.at >= s.arrivedAt && s.pin!.at <= s.claimedAt).toBe(true);
  });
});

describe("the demo readers' duty changes", () => {
  const t = (iso: string) => new Date(iso);
  const shifts = (start: string, end: string, byHour?: number[]) =>
    demoDutyShifts(t(start), t(end), byHour).map((s) => [s.reader, s.on.toISOString(), s.off?.toISOString() ?? null]);

  it("gives the two day colleagues 08:00–18:00 each day, the one still on at the end open, and the all-day reader none", () => {
    expect(shifts("2026-12-01T00:00:00Z", "2026-12-02T12:30:00Z")).toEqual([
      [1, "2026-12-01T08:00:00.000Z", "2026-12-01T18:00:00.000Z"],
      [1, "2026-12-02T08:00:00.000Z", null],
      [2, "2026-12-01T08:00:00.000Z", "2026-12-01T18:00:00.000Z"],
      [2, "2026-12-02T08:00:00.000Z", null],
    ]);
    // A shift ending exactly at the end is over.
    expect(shifts("2026-12-01T00:00:00Z", "2026-12-01T18:00:00Z")).toEqual([
      [1, "2026-12-01T08:00:00.000Z", "2026-12-01T18:00:00.000Z"],
      [2, "2026-12-01T08:00:00.000Z", "2026-12-01T18:00:00.000Z"],
    ]);
  });

  it("runs a night shift across midnight as one stretch", () => {
    // Two readers 22:00–06:00, one otherwise.
    const night = Array.from({ length: 24 }, (_, h) => (h >= 22 || h < 6 ? 2 : 1));
    expect(shifts("2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z", night)).toEqual([
      [1, "2026-12-01T00:00:00.000Z", "2026-12-01T06:00:00.000Z"],
      [1, "2026-12-01T22:00:00.000Z", "2026-12-02T06:00:00.000Z"],
      [1, "2026-12-02T22:00:00.000Z", null],
    ]);
  });
});

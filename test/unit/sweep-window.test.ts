// The StudyDate window of each QIDO sweep, with dates worked out by hand.
import { describe, expect, it } from "vitest";
import { sweepWindow } from "@/lib/ingest/sweep-window";

const d = (iso: string) => new Date(iso);
const now = d("2026-12-03T12:00:00Z");

describe("sweepWindow", () => {
  it("the first sync looks back backfillDays, and counts as a deep sweep", () => {
    expect(sweepWindow({ lastSuccessAt: null, lastDeepSweepAt: null, backfillDays: 30 }, now, 6)).toEqual({
      from: d("2026-11-03T12:00:00Z"),
      deep: true,
    });
  });

  it("a routine sweep re-reads from the day before the last success", () => {
    const source = {
      lastSuccessAt: d("2026-12-03T11:59:00Z"),
      lastDeepSweepAt: d("2026-12-03T06:00:01Z"),
      backfillDays: 30,
    };
    expect(sweepWindow(source, now, 6)).toEqual({ from: d("2026-12-02T11:59:00Z"), deep: false });
  });

  it("every deepEveryHours one sweep looks back backfillDays again", () => {
    const source = {
      lastSuccessAt: d("2026-12-03T11:59:00Z"),
      lastDeepSweepAt: d("2026-12-03T06:00:00Z"),
      backfillDays: 30,
    };
    expect(sweepWindow(source, now, 6)).toEqual({ from: d("2026-11-03T12:00:00Z"), deep: true });
    // A source that never had a deep sweep (upgraded from before they existed) gets one now.
    expect(sweepWindow({ ...source, lastDeepSweepAt: null }, now, 6).deep).toBe(true);
    // 0 hours: never.
    expect(sweepWindow({ ...source, lastDeepSweepAt: null }, now, 0)).toEqual({
      from: d("2026-12-02T11:59:00Z"),
      deep: false,
    });
  });

  it("a deep sweep never looks back less far than the routine one would", () => {
    // Back from an outage of three days, with a look-back of one day: the routine window is wider.
    const source = {
      lastSuccessAt: d("2026-11-30T12:00:00Z"),
      lastDeepSweepAt: d("2026-11-30T12:00:00Z"),
      backfillDays: 1,
    };
    expect(sweepWindow(source, now, 6)).toEqual({ from: d("2026-11-29T12:00:00Z"), deep: true });
  });
});

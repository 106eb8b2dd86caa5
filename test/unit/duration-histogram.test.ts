import { describe, expect, it } from "vitest";
import { bucketOf, bucketValue, percentileBetween, RELATIVE_ERROR } from "@/lib/duration-histogram";
import { wholeMonthsAndDays } from "@/lib/chair-scope";
import { Random } from "@/lib/random";

describe("duration buckets", () => {
  it("puts durations in the buckets Python's ceil(log(m / 0.1) / log(1.04)) gives", () => {
    expect([0.05, 0.1, 0.1001, 5, 10, 20, 25, 120].map(bucketOf)).toEqual([0, 0, 1, 100, 118, 136, 141, 181]);
    expect(bucketOf(-3)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
  });

  it("stands each bucket for a value within 1.96% of every duration in it", () => {
    expect(RELATIVE_ERROR).toBeCloseTo(0.04 / 2.04, 12);
    expect(bucketValue(0)).toBe(0.05);
    expect(bucketValue(1)).toBeCloseTo(0.10196078431372549, 12);
    expect(bucketValue(136)).toBeCloseTo(20.320480489266494, 9);
    for (const b of [1, 50, 136, 300]) {
      const lower = 0.1 * 1.04 ** (b - 1);
      const upper = 0.1 * 1.04 ** b;
      // Just inside each edge: exactly on one, floating point may round either way (as in SQL).
      for (const m of [lower * 1.000001, (lower + upper) / 2, upper * 0.999999]) {
        expect(bucketOf(m)).toBe(b);
        expect(Math.abs(bucketValue(b) - m) / m).toBeLessThanOrEqual(RELATIVE_ERROR + 1e-12);
      }
    }
  });

  it("interpolates between the order statistics' buckets as percentile_cont does", () => {
    // Three durations in buckets 100, 136 and 141: the median is at position 1, the middle one;
    // p90 at position 1.8, between buckets 136 and 141 (values by hand in Python).
    expect(percentileBetween(1, 136, 141)).toBeCloseTo(20.320480489266494, 9);
    expect(percentileBetween(1.8, 136, 141)).toBeCloseTo(23.842473350196226, 9);
    expect(percentileBetween(0, 100, null)).toBeCloseTo(4.951465508261724, 9);
    expect(percentileBetween(2.5, 100, null)).toBeCloseTo(4.951465508261724, 9);
  });

  it("keeps percentiles of skewed data within 2% of the exact ones", () => {
    const random = new Random(3);
    const values = Array.from({ length: 2000 }, () => 0.2 + 600 * random.next() ** 3).sort((a, b) => a - b);
    const buckets = values.map(bucketOf);
    for (const p of [0.1, 0.5, 0.9, 0.99]) {
      const position = 1999 * p;
      const k = Math.floor(position);
      const exact = values[k]! + (position - k) * (values[k + 1]! - values[k]!);
      const estimate = percentileBetween(position, buckets[k]!, buckets[k + 1]!);
      expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(RELATIVE_ERROR);
    }
  });
});

describe("whole months and the days at either end", () => {
  it("splits a range into whole calendar months and edge days", () => {
    expect(wholeMonthsAndDays("2026-01-15", "2026-04-10")).toEqual({
      months: ["2026-02-01", "2026-04-01"],
      days: [
        ["2026-01-15", "2026-01-31"],
        ["2026-04-01", "2026-04-10"],
      ],
    });
    expect(wholeMonthsAndDays("2026-02-01", "2026-02-28")).toEqual({ months: ["2026-02-01", "2026-03-01"], days: [] });
    expect(wholeMonthsAndDays("2024-02-01", "2024-02-29")).toEqual({ months: ["2024-02-01", "2024-03-01"], days: [] });
    expect(wholeMonthsAndDays("2024-02-01", "2024-02-28")).toEqual({
      months: null,
      days: [["2024-02-01", "2024-02-28"]],
    });
    expect(wholeMonthsAndDays("2026-02-02", "2026-02-28")).toEqual({
      months: null,
      days: [["2026-02-02", "2026-02-28"]],
    });
    expect(wholeMonthsAndDays("2026-12-15", "2027-01-31")).toEqual({
      months: ["2027-01-01", "2027-02-01"],
      days: [["2026-12-15", "2026-12-31"]],
    });
    expect(wholeMonthsAndDays("2025-12-05", "2026-12-04")).toEqual({
      months: ["2026-01-01", "2026-12-01"],
      days: [
        ["2025-12-05", "2025-12-31"],
        ["2026-12-01", "2026-12-04"],
      ],
    });
    expect(wholeMonthsAndDays("2026-03-31", "2026-04-01")).toEqual({
      months: null,
      days: [["2026-03-31", "2026-04-01"]],
    });
  });
});

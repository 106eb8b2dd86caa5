// Prometheus histogram semantics (an observation counts in every bucket whose "le" bound is at or
// above it) on hand-written rows.
import { describe, expect, it } from "vitest";
import { cumulativeHistogram, verdictLagBucket } from "@/lib/ops/verdict-lag";

describe("verdictLagBucket", () => {
  it("puts a lag in the smallest bound at or above it, a lag over an hour in +Inf", () => {
    expect(verdictLagBucket(0)).toBe(1);
    expect(verdictLagBucket(-2)).toBe(1); // a clock step; still counted
    expect(verdictLagBucket(1)).toBe(1);
    expect(verdictLagBucket(1.001)).toBe(2);
    expect(verdictLagBucket(14.9)).toBe(15);
    expect(verdictLagBucket(3600)).toBe(3600);
    expect(verdictLagBucket(3600.5)).toBe(Infinity);
  });
});

describe("cumulativeHistogram", () => {
  it("cumulates the per-bucket rows over every bound, +Inf holding all", () => {
    const h = cumulativeHistogram([
      { upperSeconds: 5, verdicts: 3, sumSeconds: 10 },
      { upperSeconds: 1, verdicts: 2, sumSeconds: 1 },
      { upperSeconds: Infinity, verdicts: 1, sumSeconds: 9000 },
      { upperSeconds: 600, verdicts: 4, sumSeconds: 2000 },
      // a bound no longer in the list (say 7) counts from the next bound up
      { upperSeconds: 7, verdicts: 1, sumSeconds: 6.5 },
    ]);
    expect(h.buckets).toEqual([
      { le: "1", count: 2 },
      { le: "2", count: 2 },
      { le: "5", count: 5 },
      { le: "10", count: 6 },
      { le: "15", count: 6 },
      { le: "30", count: 6 },
      { le: "60", count: 6 },
      { le: "120", count: 6 },
      { le: "300", count: 6 },
      { le: "600", count: 10 },
      { le: "1800", count: 10 },
      { le: "3600", count: 10 },
      { le: "+Inf", count: 11 },
    ]);
    expect(h.sum).toBe(11017.5);
    expect(h.count).toBe(11);
  });

  it("reports zeros for no rows", () => {
    const h = cumulativeHistogram([]);
    expect(h.buckets.every((b) => b.count === 0)).toBe(true);
    expect(h.buckets).toHaveLength(13);
    expect([h.sum, h.count]).toEqual([0, 0]);
  });
});

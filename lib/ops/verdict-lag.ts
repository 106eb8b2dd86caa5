// Arrival → first AI verdict as a Prometheus histogram: bucket bounds, which bucket a lag falls
// in, and the cumulative counts a scrape reports from the per-bucket rows kept in the database.

/**
 * Upper bounds in seconds (the last bucket, +Inf, is implied). The bucket rows are kept under these
 * bounds (migration 20261203130000_verdict_lag backfilled with the same list): change them and the
 * old rows no longer line up.
 */
export const VERDICT_LAG_BOUNDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600] as const;

/** The bucket a lag is counted in: the smallest bound at or above it ("le"), else Infinity. */
export function verdictLagBucket(seconds: number): number {
  return VERDICT_LAG_BOUNDS.find((bound) => seconds <= bound) ?? Infinity;
}

export type LagBucketRow = { upperSeconds: number; verdicts: number; sumSeconds: number };

/** Prometheus's cumulative view of the rows: for each bound (then +Inf), the verdicts at or under it; and sum and count. */
export function cumulativeHistogram(rows: LagBucketRow[]): {
  buckets: { le: string; count: number }[];
  sum: number;
  count: number;
} {
  // A row under a bound no longer in the list counts from the next bound up; +Inf counts them all.
  const buckets = [...VERDICT_LAG_BOUNDS, Infinity].map((bound) => ({
    le: bound === Infinity ? "+Inf" : String(bound),
    count: rows.filter((r) => r.upperSeconds <= bound).reduce((n, r) => n + r.verdicts, 0),
  }));
  return {
    buckets,
    sum: rows.reduce((s, r) => s + r.sumSeconds, 0),
    count: rows.reduce((n, r) => n + r.verdicts, 0),
  };
}

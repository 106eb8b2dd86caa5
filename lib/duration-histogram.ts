// Durations counted in logarithmic buckets, as the turnaround rollup keeps them (migration
// 20261204220000_turnaround_rollup, function "turnaround_bucket"): percentiles over a million reads
// from a few thousand counts, each within RELATIVE_ERROR of the exact one.

/**
 * Up to this many reads in a range the chair's percentiles are exact (every duration sorted: about
 * 0.3 s for 80,000 reads on a 2-core machine); above it they come from the rollup's histogram.
 */
export const EXACT_PERCENTILE_READS = 50_000;

/** Each bucket's upper edge is GROWTH × its lower edge. */
export const GROWTH = 1.04;
/** Bucket 0 holds every duration under this many minutes. */
export const SMALLEST_MINUTES = 0.1;
/** The middle of a bucket is within this share of every duration in it: (GROWTH − 1) / (GROWTH + 1). */
export const RELATIVE_ERROR = (GROWTH - 1) / (GROWTH + 1);

/** The bucket of a duration in minutes: 0 below SMALLEST_MINUTES, else the smallest b with minutes ≤ SMALLEST × GROWTH^b. */
export function bucketOf(minutes: number): number {
  if (!(minutes >= SMALLEST_MINUTES)) return 0;
  return Math.ceil(Math.log(minutes / SMALLEST_MINUTES) / Math.log(GROWTH));
}

/**
 * The value a bucket stands for: half the smallest duration for bucket 0, else the point whose
 * relative distance to both edges is equal, 2·lower·upper / (lower + upper).
 */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return SMALLEST_MINUTES / 2;
  const upper = SMALLEST_MINUTES * GROWTH ** bucket;
  return (2 * upper) / (GROWTH + 1);
}

/**
 * percentile_cont's value at 0-based position `position` among durations counted in buckets: the
 * order statistics either side of it are in buckets `below` and `above` (null when there is none
 * above), each taken as its bucket's value, and the result lies linearly between them.
 */
export function percentileBetween(position: number, below: number, above: number | null): number {
  const low = bucketValue(below);
  const fraction = position - Math.floor(position);
  return fraction === 0 || above === null ? low : low + fraction * (bucketValue(above) - low);
}

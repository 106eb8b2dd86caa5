import { z } from "zod";

/**
 * Drift bands: when a model version's recent figures count as a change worth an alert.
 * Defaults aim at "never for a normal day's noise": a rate must move by several standard
 * errors and by a good fraction of itself, on enough studies.
 */
export const driftBandsSchema = z.object({
  /** Fewer scored studies than this in a window raise no flag-rate alert. */
  minStudies: z.number().int().min(5).max(100_000),
  /** The score distribution needs more: with few studies its ten bins are mostly noise. */
  minStudiesForPsi: z.number().int().min(20).max(100_000),
  /**
   * The flag count must be as unlikely, at the baseline rate, as a normal value this many
   * standard deviations out (4: p < 6.3 × 10⁻⁵, two-sided; exact binomial tails, so rare flags are judged fairly)...
   */
  flagRateZ: z.number().min(2).max(20),
  /** ...and by at least this fraction of the baseline rate (0.5: from 10% to below 5% or above 15%). */
  flagRateMinChange: z.number().min(0).max(10),
  /** Population stability index of the score distribution against the baseline (0.25: a major shift). */
  maxPsi: z.number().min(0.01).max(10),
  /** Share of a window's results that failed (AI unavailable). */
  maxFailedRate: z.number().min(0).max(1),
  /** Share that no series fitted; null: not watched (it follows the mix of studies more than the model). */
  maxNotApplicableRate: z.number().min(0).max(1).nullable(),
  /** Radiologists' confirmations among flags they judged; null: not watched. */
  minPpv: z.number().min(0).max(1).nullable(),
  minFeedback: z.number().int().min(1).max(100_000),
  /** 95th percentile of the time per study (fetch, pipeline, model). */
  maxP95Ms: z.number().min(100).max(3_600_000),
});
export type DriftBands = z.infer<typeof driftBandsSchema>;

export const DEFAULT_DRIFT_BANDS: DriftBands = {
  minStudies: 50,
  minStudiesForPsi: 200,
  flagRateZ: 4,
  flagRateMinChange: 0.5,
  maxPsi: 0.25,
  maxFailedRate: 0.1,
  maxNotApplicableRate: null,
  minPpv: 0.1,
  minFeedback: 20,
  maxP95Ms: 60_000,
};

/** One model version's results over a window (the last 24 h, or one day). */
export type WindowFigures = {
  /** Every result: scored, not applicable, failed. */
  results: number;
  scored: number;
  /** Scored and critical or urgent. */
  flagged: number;
  failed: number;
  notApplicable: number;
  /** Scored studies' scores in ten bins over [0, 1]. */
  histogram: number[];
  p95Ms: number | null;
  /** Radiologists' verdicts on flagged results. */
  confirmed: number;
  dismissed: number;
};

/** What the window is compared with: the version's own earlier weeks, or its local validation. */
export type DriftBaseline = { scored: number; flagged: number; histogram: number[]; from: string };

export type DriftKind = "flag-rate" | "score-shift" | "failures" | "not-applicable" | "ppv" | "slow";
export type DriftAlert = { kind: DriftKind; message: string; value: number; limit: number };

/**
 * Population stability index, Σ (a − e) · ln(a / e) over the bins' shares. Each count gets
 * half a study added (so an empty bin is unlikely rather than impossible); null when either
 * side has no studies.
 */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number | null {
  const total = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
  const [ne, na] = [total(expected), total(actual)];
  if (ne === 0 || na === 0 || expected.length !== actual.length) return null;
  const k = expected.length;
  let psi = 0;
  for (let i = 0; i < k; i++) {
    const e = (expected[i]! + 0.5) / (ne + 0.5 * k);
    const a = (actual[i]! + 0.5) / (na + 0.5 * k);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

// ln k! for k = 0, 1, 2, …, grown as needed (a window holds at most some tens of thousands of studies).
const logFactorials = [0];

/** ln x!, as the running sum of logarithms. */
function logFactorial(x: number): number {
  for (let i = logFactorials.length; i <= x; i++) logFactorials.push(logFactorials[i - 1]! + Math.log(i));
  return logFactorials[x]!;
}

/** P(X ≥ k) ("upper") or P(X ≤ k) ("lower") for X ~ Binomial(n, p), summed exactly in log space. */
export function binomialTail(k: number, n: number, p: number, side: "upper" | "lower"): number {
  if (p <= 0) return side === "upper" ? (k <= 0 ? 1 : 0) : 1;
  if (p >= 1) return side === "upper" ? 1 : k >= n ? 1 : 0;
  const logPmf = (i: number) =>
    logFactorial(n) - logFactorial(i) - logFactorial(n - i) + i * Math.log(p) + (n - i) * Math.log(1 - p);
  let sum = 0;
  const [from, to] = side === "upper" ? [Math.max(0, k), n] : [0, Math.min(n, k)];
  for (let i = from; i <= to; i++) sum += Math.exp(logPmf(i));
  return Math.min(1, sum);
}

/** Two-sided tail of the standard normal beyond ±z: erfc(z/√2) by Numerical Recipes' erfcc (relative error below 1.2 × 10⁻⁷). */
export function normalTwoSidedP(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const c = [
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
    0.17087277,
  ];
  let poly = 0;
  for (let i = c.length - 1; i >= 0; i--) poly = c[i]! + t * poly;
  return t * Math.exp(-x * x + poly);
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** The bands a window crosses, each with words for the admin page and the webhook. */
export function driftAlerts(current: WindowFigures, baseline: DriftBaseline | null, bands: DriftBands): DriftAlert[] {
  const alerts: DriftAlert[] = [];
  if (baseline && current.scored >= bands.minStudies && baseline.scored >= bands.minStudies) {
    const p = current.flagged / current.scored;
    // Half a study each way keeps a baseline of 0 flags from making any flag "infinitely" unlikely.
    const p0 = (baseline.flagged + 0.5) / (baseline.scored + 1);
    const tail = Math.min(
      binomialTail(current.flagged, current.scored, p0, "upper"),
      binomialTail(current.flagged, current.scored, p0, "lower"),
    );
    if (2 * tail <= normalTwoSidedP(bands.flagRateZ) && Math.abs(p - p0) >= bands.flagRateMinChange * p0)
      alerts.push({
        kind: "flag-rate",
        message: `flag rate ${pct(p)} of ${current.scored} studies, against ${pct(baseline.flagged / baseline.scored)} in ${baseline.from} (p = ${(2 * tail).toExponential(1)})`,
        value: p,
        limit: p0,
      });
  }
  if (baseline && current.scored >= bands.minStudiesForPsi && baseline.scored >= bands.minStudiesForPsi) {
    const psi = populationStabilityIndex(baseline.histogram, current.histogram);
    if (psi !== null && psi >= bands.maxPsi)
      alerts.push({
        kind: "score-shift",
        message: `scores shifted: population stability index ${psi.toFixed(2)} against ${baseline.from} (limit ${bands.maxPsi})`,
        value: psi,
        limit: bands.maxPsi,
      });
  }
  if (current.results >= 10) {
    const failed = current.failed / current.results;
    if (failed >= bands.maxFailedRate)
      alerts.push({
        kind: "failures",
        message: `${pct(failed)} of ${current.results} results failed (limit ${pct(bands.maxFailedRate)})`,
        value: failed,
        limit: bands.maxFailedRate,
      });
    const na = current.notApplicable / current.results;
    if (bands.maxNotApplicableRate !== null && na >= bands.maxNotApplicableRate)
      alerts.push({
        kind: "not-applicable",
        message: `${pct(na)} of ${current.results} studies had no series the model fits (limit ${pct(bands.maxNotApplicableRate)})`,
        value: na,
        limit: bands.maxNotApplicableRate,
      });
  }
  const judged = current.confirmed + current.dismissed;
  if (bands.minPpv !== null && judged >= bands.minFeedback && current.confirmed / judged < bands.minPpv)
    alerts.push({
      kind: "ppv",
      message: `radiologists confirmed ${current.confirmed} of ${judged} flags they judged (PPV ${pct(current.confirmed / judged)}, limit ${pct(bands.minPpv)})`,
      value: current.confirmed / judged,
      limit: bands.minPpv,
    });
  if (current.p95Ms !== null && current.scored >= 10 && current.p95Ms >= bands.maxP95Ms)
    alerts.push({
      kind: "slow",
      message: `p95 time per study ${(current.p95Ms / 1000).toFixed(1)} s (limit ${(bands.maxP95Ms / 1000).toFixed(0)} s)`,
      value: current.p95Ms,
      limit: bands.maxP95Ms,
    });
  return alerts;
}

import { describe, expect, it } from "vitest";
import {
  binomialTail,
  normalTwoSidedP,
  DEFAULT_DRIFT_BANDS,
  driftAlerts,
  populationStabilityIndex,
  type DriftBaseline,
  type WindowFigures,
} from "@/lib/models/drift";
import { scoreHistogram } from "@/lib/models/validation-metrics";
import { Random } from "@/lib/random";

/** A day of a model whose scores are bimodal: a share `flagRate` of studies near 1, the rest near 0. */
function simulatedScores(random: Random, n: number, flagRate: number): number[] {
  return Array.from({ length: n }, () => {
    const positive = random.next() < flagRate;
    const s = positive ? 0.85 + 0.12 * random.gaussian() : 0.08 + 0.08 * random.gaussian();
    return Math.min(1, Math.max(0, s));
  });
}

function window(scores: number[], extra: Partial<WindowFigures> = {}): WindowFigures {
  return {
    results: scores.length,
    scored: scores.length,
    flagged: scores.filter((s) => s >= 0.5).length,
    failed: 0,
    notApplicable: 0,
    histogram: scoreHistogram(scores),
    p95Ms: 900,
    confirmed: 0,
    dismissed: 0,
    ...extra,
  };
}

const baselineOf = (scores: number[]): DriftBaseline => ({
  scored: scores.length,
  flagged: scores.filter((s) => s >= 0.5).length,
  histogram: scoreHistogram(scores),
  from: "the previous 28 days",
});

describe("population stability index", () => {
  it("matches the textbook sum on a worked example", () => {
    // Shares (with half a study added to each of 4 bins): e = (10.5, 20.5, 30.5, 40.5)/102, a = (40.5, 30.5, 20.5, 10.5)/102.
    const e = [10.5, 20.5, 30.5, 40.5].map((x) => x / 102);
    const a = [40.5, 30.5, 20.5, 10.5].map((x) => x / 102);
    const expected = e.reduce((s, ei, i) => s + (a[i]! - ei) * Math.log(a[i]! / ei), 0);
    expect(populationStabilityIndex([10, 20, 30, 40], [40, 30, 20, 10])).toBeCloseTo(expected, 12);
    expect(populationStabilityIndex([5, 5], [50, 50])).toBeCloseTo(0, 12);
    expect(populationStabilityIndex([], [])).toBeNull();
    expect(populationStabilityIndex([0, 0], [1, 2])).toBeNull();
  });
});

describe("tails", () => {
  it("normal: the tables' 0.05 at 1.96, 0.0027 at 3, 6.33e-5 at 4, 5.7e-7 at 5", () => {
    expect(normalTwoSidedP(1.959964)).toBeCloseTo(0.05, 6);
    expect(normalTwoSidedP(-3) / 0.0026998).toBeCloseTo(1, 4);
    expect(normalTwoSidedP(4) / 6.334248e-5).toBeCloseTo(1, 4);
    expect(normalTwoSidedP(5) / 5.733031e-7).toBeCloseTo(1, 4);
    expect(normalTwoSidedP(0)).toBeCloseTo(1, 6);
  });

  it("binomial: the same as summing the probabilities built up term by term", () => {
    // pmf(i + 1) = pmf(i) · (n − i) / (i + 1) · p / (1 − p), from pmf(0) = (1 − p)^n.
    const pmfs = (n: number, p: number) => {
      const out = [(1 - p) ** n];
      for (let i = 0; i < n; i++) out.push((out[i]! * (n - i) * p) / ((i + 1) * (1 - p)));
      return out;
    };
    for (const [n, p] of [
      [100, 0.05],
      [300, 0.2],
      [37, 0.5],
      [1000, 0.01],
    ] as const) {
      const pmf = pmfs(n, p);
      for (const k of [0, 1, Math.round(n * p), Math.round(n * p * 2), n]) {
        const upper = pmf.slice(k).reduce((a, b) => a + b, 0);
        const lower = pmf.slice(0, k + 1).reduce((a, b) => a + b, 0);
        expect(binomialTail(k, n, p, "upper")).toBeCloseTo(upper, 9);
        expect(binomialTail(k, n, p, "lower")).toBeCloseTo(lower, 9);
      }
    }
    expect(binomialTail(3, 10, 0, "upper")).toBe(0);
    expect(binomialTail(0, 10, 0, "upper")).toBe(1);
    expect(binomialTail(10, 10, 1, "lower")).toBe(1);
  });
});

describe("drift alerts", () => {
  it("stay quiet over 1000 ordinary days (200 studies a day at a 5% flag rate against 28 days of the same)", () => {
    const random = new Random(11);
    const baseline = baselineOf(simulatedScores(random, 5600, 0.05));
    const noisy = Array.from({ length: 1000 }, () =>
      driftAlerts(window(simulatedScores(random, 200, 0.05)), baseline, DEFAULT_DRIFT_BANDS),
    );
    expect(noisy.filter((a) => a.length > 0)).toEqual([]);
  });

  it("fire when the flag rate triples after a scanner update, and when the scores shift without more flags", () => {
    const random = new Random(12);
    const baseline = baselineOf(simulatedScores(random, 5600, 0.05));
    const jump = driftAlerts(window(simulatedScores(random, 200, 0.15)), baseline, DEFAULT_DRIFT_BANDS);
    expect(jump.map((a) => a.kind)).toContain("flag-rate");
    expect(jump.find((a) => a.kind === "flag-rate")!.message).toMatch(
      /^flag rate 1\d\.\d% of 200 studies, against [45]\.\d% in the previous 28 days \(p = \d\.\de-\d+\)$/,
    );
    // A drop counts too: a model that stops flagging is as broken as one that flags everything.
    expect(
      driftAlerts(window(simulatedScores(random, 300, 0)), baseline, DEFAULT_DRIFT_BANDS).map((a) => a.kind),
    ).toContain("flag-rate");
    // Negatives scored around 0.35 instead of 0.08: no more flags, but the distribution moved.
    const shifted = simulatedScores(random, 200, 0.05).map((s) => (s < 0.5 ? Math.min(0.49, s + 0.27) : s));
    const shift = driftAlerts(window(shifted), baseline, DEFAULT_DRIFT_BANDS);
    expect(shift.map((a) => a.kind)).toEqual(["score-shift"]);
  });

  it("need enough studies on both sides, and judge a flag count by how likely it is at the baseline rate", () => {
    const random = new Random(13);
    const baseline = baselineOf(simulatedScores(random, 5600, 0.05));
    // 10 of 20 flagged is dramatic, but 20 studies are below the minimum (and 40 below the distribution's).
    expect(
      driftAlerts(window([...Array(10).fill(0.9), ...Array(10).fill(0.05)]), baseline, DEFAULT_DRIFT_BANDS),
    ).toEqual([]);
    expect(
      driftAlerts(
        window(simulatedScores(random, 100, 0.3)),
        { ...baseline, scored: 20, flagged: 1 },
        DEFAULT_DRIFT_BANDS,
      ),
    ).toEqual([]);
    // 7 of 100 against 5%: quite likely by chance; no alert even with the relative-change band off.
    const seven = window([...Array(7).fill(0.9), ...Array(93).fill(0.05)]);
    expect(
      driftAlerts(seven, baseline, { ...DEFAULT_DRIFT_BANDS, flagRateMinChange: 0, maxPsi: 10 }).map((a) => a.kind),
    ).toEqual([]);
  });

  it("watch failures, not-applicable share (when asked), PPV from feedback and time per study", () => {
    const scores = Array(40).fill(0.05) as number[];
    // A flag-rate alert needs 50 studies: 40 do not make one here.
    const bands = { ...DEFAULT_DRIFT_BANDS, maxNotApplicableRate: 0.3 };
    const w = window(scores, {
      results: 60,
      failed: 8,
      notApplicable: 20,
      confirmed: 2,
      dismissed: 22,
      p95Ms: 75_000,
    });
    const alerts = driftAlerts(w, null, bands);
    expect(alerts.map((a) => [a.kind, a.message])).toEqual([
      ["failures", "13.3% of 60 results failed (limit 10.0%)"],
      ["not-applicable", "33.3% of 60 studies had no series the model fits (limit 30.0%)"],
      ["ppv", "radiologists confirmed 2 of 24 flags they judged (PPV 8.3%, limit 10.0%)"],
      ["slow", "p95 time per study 75.0 s (limit 60 s)"],
    ]);
    expect(driftAlerts(w, null, DEFAULT_DRIFT_BANDS).map((a) => a.kind)).not.toContain("not-applicable");
    expect(
      driftAlerts({ ...w, confirmed: 2, dismissed: 10 }, null, DEFAULT_DRIFT_BANDS).map((a) => a.kind),
    ).not.toContain("ppv");
  });
});

describe("drift bands at their edges", () => {
  const ordinary = (n: number, flagged: number, extra: Partial<WindowFigures> = {}): WindowFigures => ({
    results: n,
    scored: n,
    flagged,
    failed: 0,
    notApplicable: 0,
    histogram: [n - flagged, 0, 0, 0, 0, 0, 0, 0, 0, flagged],
    p95Ms: 500,
    confirmed: 0,
    dismissed: 0,
    ...extra,
  });
  const base = (n: number, flagged: number): DriftBaseline => ({
    scored: n,
    flagged,
    histogram: [n - flagged, 0, 0, 0, 0, 0, 0, 0, 0, flagged],
    from: "before",
  });
  const noPsi = { ...DEFAULT_DRIFT_BANDS, maxPsi: 10 };

  it("judge a flag rate from exactly the minimum number of studies on both sides, against (flagged + ½) / (scored + 1)", () => {
    // 25 of 50 flagged against 1 of 50 before: far beyond chance.
    const alerts = driftAlerts(ordinary(50, 25), base(50, 1), noPsi);
    expect(alerts.map((a) => a.kind)).toEqual(["flag-rate"]);
    expect(alerts[0]!.value).toBe(0.5);
    expect(alerts[0]!.limit).toBeCloseTo(1.5 / 51, 12);
    expect(driftAlerts(ordinary(49, 25), base(50, 1), noPsi)).toEqual([]);
    expect(driftAlerts(ordinary(50, 25), base(49, 1), noPsi)).toEqual([]);
    // A big relative change that chance explains raises nothing: 3 of 50 against 1 of 50.
    expect(driftAlerts(ordinary(50, 3), base(50, 1), noPsi)).toEqual([]);
  });

  it("judge the distribution from exactly minStudiesForPsi on both sides, alerting at the limit itself", () => {
    const current = ordinary(200, 60);
    const before = base(200, 10);
    const psi = populationStabilityIndex(before.histogram, current.histogram)!;
    const bands = { ...DEFAULT_DRIFT_BANDS, flagRateZ: 20, maxPsi: psi };
    const at = driftAlerts(current, before, bands);
    expect(at.map((a) => a.kind)).toEqual(["score-shift"]);
    expect(at[0]!.message).toBe(
      `scores shifted: population stability index ${psi.toFixed(2)} against before (limit ${psi})`,
    );
    expect(driftAlerts(current, before, { ...bands, maxPsi: psi + 1e-9 })).toEqual([]);
    expect(driftAlerts(ordinary(199, 60), before, bands)).toEqual([]);
    expect(driftAlerts(current, base(199, 10), bands)).toEqual([]);
    expect(populationStabilityIndex([1, 2], [1, 2, 3])).toBeNull();
    expect(populationStabilityIndex([1, 2], [0, 0])).toBeNull();
  });

  it("count failures, not-applicable and slowness from ten results, each alerting at its limit", () => {
    const bands = { ...DEFAULT_DRIFT_BANDS, maxNotApplicableRate: 0.2 };
    const w = ordinary(10, 0, { failed: 1, notApplicable: 2, p95Ms: 60_000 });
    expect(driftAlerts(w, null, bands).map((a) => a.kind)).toEqual(["failures", "not-applicable", "slow"]);
    expect(driftAlerts({ ...w, results: 9, scored: 9 }, null, bands).map((a) => a.kind)).toEqual([]);
    expect(driftAlerts({ ...w, p95Ms: 59_999 }, null, bands).map((a) => a.kind)).not.toContain("slow");
    expect(driftAlerts({ ...w, p95Ms: null }, null, bands).map((a) => a.kind)).not.toContain("slow");
  });

  it("judge PPV from exactly minFeedback verdicts, alerting only below the limit", () => {
    const bands = { ...DEFAULT_DRIFT_BANDS, minPpv: 0.25, minFeedback: 20 };
    const ppv = (confirmed: number, dismissed: number) =>
      driftAlerts(ordinary(5, 0, { confirmed, dismissed }), null, bands).filter((a) => a.kind === "ppv");
    expect(ppv(4, 16)).toEqual([
      { kind: "ppv", message: expect.stringMatching(/PPV 20\.0%/), value: 0.2, limit: 0.25 },
    ]);
    expect(ppv(5, 15)).toEqual([]); // exactly 25%
    expect(ppv(4, 15)).toEqual([]); // 19 verdicts
    expect(driftAlerts(ordinary(5, 0, { confirmed: 0, dismissed: 40 }), null, { ...bands, minPpv: null })).toEqual([]);
  });

  it("binomial tails at the degenerate rates", () => {
    expect(binomialTail(5, 10, 1, "upper")).toBe(1);
    expect(binomialTail(5, 10, 1, "lower")).toBe(0);
    expect(binomialTail(10, 10, 1, "lower")).toBe(1);
    expect(binomialTail(0, 10, 0, "lower")).toBe(1);
    expect(binomialTail(1, 10, 0, "upper")).toBe(0);
  });
});

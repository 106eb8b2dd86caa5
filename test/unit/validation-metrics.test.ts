import { describe, expect, it } from "vitest";
import {
  bootstrapAucInterval,
  casesAuc,
  operatingPointAt,
  scoreHistogram,
  thresholdForSensitivity,
  validationFigures,
  type ScoredCase,
} from "@/lib/models/validation-metrics";
import { Random } from "@/lib/random";

/**
 * Hanley & McNeil (Radiology 1982;143:29–36), Table 1: 109 CT images rated 1–5 by a
 * radiologist. Normal: 33, 6, 6, 11, 2; abnormal: 3, 2, 2, 11, 33. The paper gives
 * AUC 0.893 with standard error 0.032.
 */
function hanleyMcNeil(): ScoredCase[] {
  const normal = [33, 6, 6, 11, 2];
  const abnormal = [3, 2, 2, 11, 33];
  const cases: ScoredCase[] = [];
  normal.forEach((n, i) =>
    cases.push(...Array.from({ length: n }, () => ({ probability: (i + 1) / 5, label: 0 as const }))),
  );
  abnormal.forEach((n, i) =>
    cases.push(...Array.from({ length: n }, () => ({ probability: (i + 1) / 5, label: 1 as const }))),
  );
  return cases;
}

/** The AUC by definition: over every (positive, negative) pair, 1 when the positive scores higher, ½ on a tie. */
function pairwiseAuc(cases: ScoredCase[]): number {
  const pos = cases.filter((c) => c.label === 1);
  const neg = cases.filter((c) => c.label === 0);
  let wins = 0;
  for (const p of pos)
    for (const n of neg) wins += p.probability > n.probability ? 1 : p.probability === n.probability ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

describe("AUC", () => {
  it("matches Hanley & McNeil's published 0.893 on their rating data", () => {
    expect(casesAuc(hanleyMcNeil())).toBeCloseTo(0.893, 3);
  });

  it("equals the pairwise definition on random scores with many ties", () => {
    const random = new Random(7);
    for (let trial = 0; trial < 20; trial++) {
      const cases = Array.from({ length: 40 + trial * 7 }, (): ScoredCase => ({
        probability: Math.round(random.next() * 10) / 10,
        label: random.next() < 0.3 ? 1 : 0,
      }));
      expect(casesAuc(cases)).toBeCloseTo(pairwiseAuc(cases), 12);
    }
  });

  it("is 1 for perfect separation, 0 for perfectly wrong, ½ for all tied, null with one class", () => {
    const c = (p: number, label: 0 | 1): ScoredCase => ({ probability: p, label });
    expect(casesAuc([c(0.9, 1), c(0.1, 0), c(0.8, 1), c(0.2, 0)])).toBe(1);
    expect(casesAuc([c(0.1, 1), c(0.9, 0)])).toBe(0);
    expect(casesAuc([c(0.5, 1), c(0.5, 0), c(0.5, 0)])).toBe(0.5);
    expect(casesAuc([c(0.5, 1), c(0.6, 1)])).toBeNull();
    expect(casesAuc([])).toBeNull();
  });
});

describe("bootstrap interval of the AUC", () => {
  it("on Hanley & McNeil's data is close to their normal interval 0.893 ± 1.96 × 0.032", () => {
    const ci = bootstrapAucInterval(hanleyMcNeil(), { iterations: 4000, seed: 1 })!;
    expect(ci.low).toBeGreaterThan(0.83 - 0.02);
    expect(ci.low).toBeLessThan(0.83 + 0.02);
    expect(ci.high).toBeGreaterThan(0.956 - 0.02);
    expect(ci.high).toBeLessThan(Math.min(1, 0.956 + 0.02));
    expect(ci.low).toBeLessThan(0.893);
    expect(ci.high).toBeGreaterThan(0.893);
  });

  it("is the same for the same seed, narrows as the sample grows, and is null with one class", () => {
    const random = new Random(3);
    const make = (n: number) =>
      Array.from({ length: n }, (_, i): ScoredCase => {
        const label = i % 2 === 0 ? 1 : 0;
        return { probability: Math.min(1, Math.max(0, (label ? 0.65 : 0.4) + 0.2 * random.gaussian())), label };
      });
    const small = make(40);
    const big = make(800);
    expect(bootstrapAucInterval(small, { seed: 9 })).toEqual(bootstrapAucInterval(small, { seed: 9 }));
    const w = (ci: { low: number; high: number } | null) => ci!.high - ci!.low;
    expect(w(bootstrapAucInterval(big, { seed: 9 }))).toBeLessThan(w(bootstrapAucInterval(small, { seed: 9 })));
    expect(bootstrapAucInterval([{ probability: 0.3, label: 1 }])).toBeNull();
  });
});

describe("operating points", () => {
  const cases: ScoredCase[] = [
    { probability: 0.95, label: 1 },
    { probability: 0.8, label: 1 },
    { probability: 0.6, label: 0 },
    { probability: 0.55, label: 1 },
    { probability: 0.5, label: 0 },
    { probability: 0.3, label: 1 },
    { probability: 0.2, label: 0 },
    { probability: 0.1, label: 0 },
  ];

  it("counts a score equal to the threshold as flagged, as the workers do", () => {
    expect(operatingPointAt(cases, 0.55)).toEqual({
      threshold: 0.55,
      sensitivity: 3 / 4,
      specificity: 3 / 4,
      truePositive: 3,
      falsePositive: 1,
      trueNegative: 3,
      falseNegative: 1,
    });
    expect(operatingPointAt([{ probability: 0.2, label: 0 }], 0.5).sensitivity).toBeNull();
    expect(operatingPointAt([{ probability: 0.2, label: 1 }], 0.5).specificity).toBeNull();
  });

  it("finds the highest threshold that reaches the target sensitivity", () => {
    // 4 positives: 0.75 needs 3 of them, the third highest positive is 0.55.
    expect(thresholdForSensitivity(cases, 0.75)).toMatchObject({
      threshold: 0.55,
      sensitivity: 0.75,
      specificity: 0.75,
    });
    // 0.8 needs all 4: down to 0.3, where 2 of 4 negatives are flagged.
    expect(thresholdForSensitivity(cases, 0.8)).toMatchObject({ threshold: 0.3, sensitivity: 1, specificity: 0.5 });
    expect(thresholdForSensitivity(cases, 0.25)).toMatchObject({ threshold: 0.95, sensitivity: 0.25 });
    expect(thresholdForSensitivity(cases, 0.2)).toMatchObject({ threshold: 0.95 });
    expect(thresholdForSensitivity(cases, 1)).toMatchObject({ threshold: 0.3 });
    expect(thresholdForSensitivity([{ probability: 0.3, label: 0 }], 0.9)).toBeNull();
  });
});

describe("figures per subgroup and the score histogram", () => {
  it("splits by subgroup in name order and bins scores in tenths, 1.0 in the top bin", () => {
    const cases: ScoredCase[] = [
      { probability: 0.9, label: 1, subgroup: "scanner-b" },
      { probability: 0.2, label: 0, subgroup: "scanner-b" },
      { probability: 0.4, label: 1, subgroup: "scanner-a" },
      { probability: 0.7, label: 0, subgroup: "scanner-a" },
      { probability: 1, label: 1, subgroup: null },
    ];
    const f = validationFigures(cases, { threshold: 0.5, targetSensitivity: 0.9 });
    expect(f.cases).toBe(5);
    expect(f.positives).toBe(3);
    expect(f.subgroups.map((g) => [g.subgroup, g.cases, g.auc])).toEqual([
      ["scanner-a", 2, 0],
      ["scanner-b", 2, 1],
    ]);
    expect(f.scoreHistogram).toEqual([0, 0, 1, 0, 1, 0, 0, 1, 0, 2]);
    expect(scoreHistogram([0, 0.05, 0.1, 0.999])).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
  });
});

describe("edges of the figures", () => {
  it("a perfectly separated set keeps AUC 1 in every stratified resample", () => {
    const cases: ScoredCase[] = [0.9, 0.8, 0.7].map((p) => ({ probability: p, label: 1 as const }));
    cases.push(...[0.3, 0.2, 0.1, 0.05].map((p) => ({ probability: p, label: 0 as const })));
    expect(bootstrapAucInterval(cases, { iterations: 500 })).toEqual({ low: 1, high: 1, iterations: 500 });
    expect(bootstrapAucInterval(cases.filter((c) => c.label === 0))).toBeNull();
  });

  it("sensitivity with as many misses as hits, and a target met from unsorted scores", () => {
    const cases: ScoredCase[] = [
      { probability: 0.2, label: 1 },
      { probability: 0.9, label: 1 },
      { probability: 0.6, label: 1 },
      { probability: 0.4, label: 0 },
    ];
    expect(operatingPointAt(cases.slice(0, 2), 0.5).sensitivity).toBe(0.5);
    // Two of three positives: the second highest positive score, 0.6.
    expect(thresholdForSensitivity(cases, 0.6)).toMatchObject({ threshold: 0.6, sensitivity: 2 / 3, specificity: 1 });
  });
});

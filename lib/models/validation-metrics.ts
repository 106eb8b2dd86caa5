import { Random } from "../random";
import { quantile, rocAuc } from "../stats";

/** One labelled study the model scored: its study score and the site's label (1 = the finding is present). */
export type ScoredCase = { probability: number; label: 0 | 1; subgroup?: string | null };

/** The AUC of scored cases (Mann–Whitney, ties one half); null without both classes. */
export function casesAuc(cases: readonly ScoredCase[]): number | null {
  const auc = rocAuc(
    cases.map((c) => c.probability),
    cases.map((c) => c.label === 1),
  );
  return Number.isNaN(auc) ? null : auc;
}

/**
 * A 95% percentile bootstrap interval for the AUC: `iterations` resamples of the cases with
 * replacement, each stratified (positives from positives, negatives from negatives) so every
 * resample has both classes. Seeded: the same cases give the same interval.
 */
export function bootstrapAucInterval(
  cases: readonly ScoredCase[],
  options: { iterations?: number; seed?: number; level?: number } = {},
): { low: number; high: number; iterations: number } | null {
  const iterations = options.iterations ?? 2000;
  const level = options.level ?? 0.95;
  const positives = cases.filter((c) => c.label === 1);
  const negatives = cases.filter((c) => c.label === 0);
  if (positives.length === 0 || negatives.length === 0) return null;
  const random = new Random(options.seed ?? 20261204);
  const draw = (from: readonly ScoredCase[]) =>
    Array.from({ length: from.length }, () => from[Math.floor(random.next() * from.length)]!);
  const aucs: number[] = [];
  for (let i = 0; i < iterations; i++) aucs.push(casesAuc([...draw(positives), ...draw(negatives)])!);
  aucs.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { low: quantile(aucs, tail), high: quantile(aucs, 1 - tail), iterations };
}

export type OperatingPoint = {
  threshold: number;
  sensitivity: number | null;
  specificity: number | null;
  truePositive: number;
  falsePositive: number;
  trueNegative: number;
  falseNegative: number;
};

/** Sensitivity and specificity when a score at or above `threshold` counts as positive (as the workers flag). */
export function operatingPointAt(cases: readonly ScoredCase[], threshold: number): OperatingPoint {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const c of cases) {
    const flagged = c.probability >= threshold;
    if (c.label === 1) {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
  }
  return {
    threshold,
    sensitivity: tp + fn === 0 ? null : tp / (tp + fn),
    specificity: tn + fp === 0 ? null : tn / (tn + fp),
    truePositive: tp,
    falsePositive: fp,
    trueNegative: tn,
    falseNegative: fn,
  };
}

/**
 * The highest threshold whose sensitivity reaches `target` (the highest keeps specificity
 * best): one of the positives' own scores. Null without positives.
 */
export function thresholdForSensitivity(cases: readonly ScoredCase[], target: number): OperatingPoint | null {
  const positives = cases
    .filter((c) => c.label === 1)
    .map((c) => c.probability)
    .sort((a, b) => b - a);
  if (positives.length === 0) return null;
  // Flagging the k highest-scoring positives gives sensitivity k / n: the smallest k reaching the target.
  const k = Math.min(positives.length, Math.max(1, Math.ceil(target * positives.length - 1e-9)));
  return operatingPointAt(cases, positives[k - 1]!);
}

/** Counts of scores in ten equal bins over [0, 1]: what drift monitoring compares later days with. */
export function scoreHistogram(probabilities: readonly number[], bins = 10): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const p of probabilities) counts[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))]!++;
  return counts;
}

export type GroupFigures = {
  cases: number;
  positives: number;
  auc: number | null;
  aucInterval: { low: number; high: number; iterations: number } | null;
  atThreshold: OperatingPoint;
};

export type ValidationFigures = GroupFigures & {
  targetSensitivity: number;
  forTargetSensitivity: OperatingPoint | null;
  subgroups: (GroupFigures & { subgroup: string })[];
  scoreHistogram: number[];
};

function groupFigures(cases: readonly ScoredCase[], threshold: number, seed: number): GroupFigures {
  return {
    cases: cases.length,
    positives: cases.filter((c) => c.label === 1).length,
    auc: casesAuc(cases),
    aucInterval: bootstrapAucInterval(cases, { seed }),
    atThreshold: operatingPointAt(cases, threshold),
  };
}

/** Everything a local validation reports about the scored cases, overall and per subgroup. */
export function validationFigures(
  cases: readonly ScoredCase[],
  options: { threshold: number; targetSensitivity: number; seed?: number },
): ValidationFigures {
  const seed = options.seed ?? 20261204;
  const groups = new Map<string, ScoredCase[]>();
  for (const c of cases) if (c.subgroup) groups.set(c.subgroup, [...(groups.get(c.subgroup) ?? []), c]);
  return {
    ...groupFigures(cases, options.threshold, seed),
    targetSensitivity: options.targetSensitivity,
    forTargetSensitivity: thresholdForSensitivity(cases, options.targetSensitivity),
    subgroups: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([subgroup, members]) => ({ subgroup, ...groupFigures(members, options.threshold, seed) })),
    scoreHistogram: scoreHistogram(cases.map((c) => c.probability)),
  };
}

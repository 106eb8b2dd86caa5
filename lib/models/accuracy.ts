/** Radiologists' confirm / dismiss of one model version's results, as a confusion matrix. */
export type FeedbackCounts = {
  /** Flagged (critical or urgent) and confirmed. */
  truePositive: number;
  /** Flagged and dismissed. */
  falsePositive: number;
  /** Not flagged, and the radiologist agreed. */
  trueNegative: number;
  /** Not flagged, but the radiologist says the finding was there. */
  falseNegative: number;
};

export type AccuracyFigures = FeedbackCounts & {
  reviewed: number;
  sensitivity: number | null;
  specificity: number | null;
  /** Of flagged studies a radiologist reviewed, the share that was right. */
  ppv: number | null;
};

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/** Sensitivity, specificity and PPV from feedback; null where nothing was reviewed on that side. */
export function accuracyFromFeedback(c: FeedbackCounts): AccuracyFigures {
  return {
    ...c,
    reviewed: c.truePositive + c.falsePositive + c.trueNegative + c.falseNegative,
    sensitivity: ratio(c.truePositive, c.truePositive + c.falseNegative),
    specificity: ratio(c.trueNegative, c.trueNegative + c.falsePositive),
    ppv: ratio(c.truePositive, c.truePositive + c.falsePositive),
  };
}

/**
 * The true share of positives behind an observed flag rate, given the flagger's sensitivity and
 * specificity (Rogan & Gladen, 1978): p = (f + sp − 1) / (se + sp − 1), clamped to [0, 1]. A flag
 * rate counts false flags too; the simulator wants the prevalence and applies the AI itself.
 * Null when the test tells nothing apart (se + sp ≤ 1).
 */
export function prevalenceFromFlagRate(flagRate: number, sensitivity: number, specificity: number): number | null {
  const youden = sensitivity + specificity - 1;
  if (youden <= 0) return null;
  return Math.min(1, Math.max(0, (flagRate + specificity - 1) / youden));
}

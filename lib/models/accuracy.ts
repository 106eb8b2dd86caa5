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

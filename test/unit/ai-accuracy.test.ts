import { describe, expect, it } from "vitest";
import { accuracyFromFeedback, prevalenceFromFlagRate } from "@/lib/models/accuracy";

describe("accuracyFromFeedback", () => {
  it("computes sensitivity, specificity and PPV from confirm / dismiss", () => {
    expect(accuracyFromFeedback({ truePositive: 9, falsePositive: 3, trueNegative: 80, falseNegative: 1 })).toEqual({
      truePositive: 9,
      falsePositive: 3,
      trueNegative: 80,
      falseNegative: 1,
      reviewed: 93,
      sensitivity: 0.9,
      specificity: 80 / 83,
      ppv: 0.75,
    });
  });
  it("says nothing (null) about a side nobody reviewed", () => {
    expect(
      accuracyFromFeedback({ truePositive: 0, falsePositive: 0, trueNegative: 5, falseNegative: 0 }),
    ).toMatchObject({ sensitivity: null, ppv: null, specificity: 1 });
  });
});

describe("prevalenceFromFlagRate (Rogan–Gladen)", () => {
  it("recovers the true prevalence behind a flag rate", () => {
    // Worked by hand: 20% flagged by a test with se 0.9, sp 0.95 → (0.2 + 0.95 − 1) / (0.9 + 0.95 − 1) = 0.15 / 0.85.
    expect(prevalenceFromFlagRate(0.2, 0.9, 0.95)).toBeCloseTo(0.15 / 0.85, 12);
    // A perfect test: the flag rate is the prevalence.
    expect(prevalenceFromFlagRate(0.07, 1, 1)).toBeCloseTo(0.07, 12);
    // Forward and back: 2% true positives at se 0.9, sp 0.93 flag 0.02·0.9 + 0.98·0.07 = 8.66%.
    expect(prevalenceFromFlagRate(0.0866, 0.9, 0.93)).toBeCloseTo(0.02, 12);
  });
  it("clamps what sampling noise pushes outside [0, 1], and refuses a test that tells nothing apart", () => {
    expect(prevalenceFromFlagRate(0.03, 0.9, 0.93)).toBe(0);
    expect(prevalenceFromFlagRate(1, 0.8, 0.9)).toBe(1);
    expect(prevalenceFromFlagRate(0.5, 0.5, 0.5)).toBeNull();
    expect(prevalenceFromFlagRate(0.5, 0.4, 0.5)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { accuracyFromFeedback } from "@/lib/models/accuracy";

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

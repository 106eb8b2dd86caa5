// Study-level probability from per-slice probabilities (lib/models/preprocess.ts aggregateSlices),
// each expected value worked out by hand from the manifest's rule.
import { describe, expect, it } from "vitest";
import { aggregateSlices } from "@/lib/models/preprocess";

const max = (minPositiveSlices = 1) => ({ method: "max" as const, minPositiveSlices });
const meanTop = (k: number, minPositiveSlices = 1) => ({ method: "mean-top-k" as const, k, minPositiveSlices });

describe("a study's probability from its slices", () => {
  it("max: the highest slice, which is the key slice", () => {
    expect(aggregateSlices([0.1, 0.9, 0.3], max(), 0.5)).toEqual({ probability: 0.9, keySlice: 1 });
    expect(aggregateSlices([0.7], max(), 0.5)).toEqual({ probability: 0.7, keySlice: 0 });
  });

  it("mean of the top k: (0.9 + 0.8) / 2 = 0.85, key slice the highest; fewer slices than k average what there is", () => {
    const top2 = aggregateSlices([0.2, 0.8, 0.9, 0.1], meanTop(2), 0.5);
    expect(top2.probability).toBeCloseTo(0.85, 12);
    expect(top2.keySlice).toBe(2);
    // k = 5 over three slices: (0.6 + 0.3 + 0.0) / 3 = 0.3, below the threshold of 0.5.
    const short = aggregateSlices([0.3, 0.6, 0], meanTop(5), 0.5);
    expect(short.probability).toBeCloseTo(0.3, 12);
    expect(short.keySlice).toBe(1);
  });

  it("too few positive slices cap the probability just under the threshold; enough positives (at the threshold itself) do not", () => {
    // One slice at 0.95 but two positives needed: capped at 0.5 − 1e−6.
    expect(aggregateSlices([0.95, 0.1, 0.2], max(2), 0.5)).toEqual({ probability: 0.5 - 1e-6, keySlice: 0 });
    // Two slices ≥ 0.5 (0.5 counts): not capped.
    expect(aggregateSlices([0.95, 0.5, 0.2], max(2), 0.5)).toEqual({ probability: 0.95, keySlice: 0 });
    // A probability already below the cap stays as it is.
    expect(aggregateSlices([0.3, 0.1], max(2), 0.5)).toEqual({ probability: 0.3, keySlice: 0 });
    // Exactly minPositiveSlices positives is enough.
    expect(aggregateSlices([0.6, 0.7, 0.1], max(2), 0.5)).toEqual({ probability: 0.7, keySlice: 1 });
  });

  it("no slices: probability 0 and no key slice", () => {
    expect(aggregateSlices([], max(), 0.5)).toEqual({ probability: 0, keySlice: -1 });
    expect(aggregateSlices([], meanTop(3), 0.5)).toEqual({ probability: 0, keySlice: -1 });
  });
});

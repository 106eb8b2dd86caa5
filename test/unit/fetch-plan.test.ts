import { describe, expect, it } from "vitest";
import { listedInstance, planSeriesFetch, type ListedInstance } from "@/lib/models/fetch-plan";
import { sampleSliceIndices } from "@/lib/dicom/pixel-data";

const slice = (n: number, over: Partial<ListedInstance> = {}): ListedInstance => ({
  sopInstanceUid: `1.2.${n}`,
  position: n * 0.625,
  instanceNumber: n + 1,
  frames: 1,
  ...over,
});
/** 100 slices listed in a scrambled order, as a PACS may list them. */
const scrambled = Array.from({ length: 100 }, (_, i) => slice((i * 37) % 100));

describe("which instances of a long series a worker fetches", () => {
  it("the slices the pipeline would sample, in slice order, with their places in the whole series", () => {
    const plan = planSeriesFetch(scrambled, 40);
    expect(plan.kind).toBe("instances");
    if (plan.kind !== "instances") return;
    expect(plan.total).toBe(100);
    expect(plan.seriesIndices).toEqual(sampleSliceIndices(100, 40));
    expect(plan.sopInstanceUids).toEqual(plan.seriesIndices.map((i) => `1.2.${i}`));
    expect(plan.seriesIndices[0]).toBe(0);
    expect(plan.seriesIndices.at(-1)).toBe(99);
  });

  it("orders by InstanceNumber when no image has a position, and by position over InstanceNumber when all have one", () => {
    const numbersOnly = scrambled.map((s) => ({ ...s, position: null }));
    const byNumber = planSeriesFetch(numbersOnly, 40);
    expect(byNumber.kind === "instances" && byNumber.sopInstanceUids[1]).toBe(`1.2.${sampleSliceIndices(100, 40)[1]}`);
    // Positions running the other way from InstanceNumber (feet first): position wins, as in the pipeline.
    const reversed = scrambled.map((s) => ({ ...s, position: -s.position! }));
    const byPosition = planSeriesFetch(reversed, 40);
    expect(byPosition.kind === "instances" && byPosition.sopInstanceUids[0]).toBe("1.2.99");
  });

  it.each([
    ["the series is no longer than the model takes", Array.from({ length: 40 }, (_, i) => slice(i)), 40],
    ["the model takes every image", scrambled, undefined],
    ["a multi-frame image", scrambled.map((s, i) => (i === 5 ? { ...s, frames: 3 } : s)), 40],
    [
      "one image without a place",
      scrambled.map((s, i) => (i === 5 ? { ...s, position: null, instanceNumber: null } : s)),
      40,
    ],
    [
      "two images at one place",
      scrambled.map((s, i) => (i === 5 ? { ...s, position: scrambled[6]!.position, instanceNumber: null } : s)),
      40,
    ],
    ["an unreadable listing entry", scrambled.map((s, i) => (i === 5 ? null : s)), 40],
  ] as const)("the whole series when %s", (_why, listing, max) => {
    expect(planSeriesFetch([...listing], max).kind).toBe("series");
  });

  it("reads a QIDO-RS instance entry (DS and IS values as numbers or strings)", () => {
    expect(
      listedInstance({
        "00080018": { vr: "UI", Value: ["1.2.3"] },
        "00200032": { vr: "DS", Value: [-115, -115, "12.5"] },
        "00200013": { vr: "IS", Value: ["7"] },
      }),
    ).toEqual({ sopInstanceUid: "1.2.3", position: 12.5, instanceNumber: 7, frames: 1 });
    expect(listedInstance({ "00200013": { vr: "IS", Value: [7] } })).toBeNull();
    expect(
      listedInstance({ "00080018": { vr: "UI", Value: ["1.2.3"] }, "00200032": { vr: "DS", Value: [1, 2] } }),
    ).toMatchObject({ position: null, instanceNumber: null });
  });
});

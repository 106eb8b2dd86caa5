import { describe, expect, it } from "vitest";
import { compareShadowResults, type PairedResult } from "@/lib/models/shadow-comparison";

const pair = (studyId: string, live: [number, boolean, boolean], shadow: [number, boolean, boolean]): PairedResult => ({
  studyId,
  liveProbability: live[0],
  liveCritical: live[1],
  liveUrgent: live[2],
  shadowProbability: shadow[0],
  shadowCritical: shadow[1],
  shadowUrgent: shadow[2],
});

describe("shadow against live", () => {
  it("agrees on the class that moves the worklist (critical, urgent, negative), lists the biggest disagreements first", () => {
    const rows = [
      pair("a", [0.9, true, false], [0.8, true, false]), // both critical: agree
      pair("b", [0.1, false, false], [0.2, false, false]), // both negative: agree
      pair("c", [0.4, false, true], [0.1, false, false]), // urgent vs negative
      pair("d", [0.2, false, false], [0.95, true, false]), // negative vs critical, gap 0.75
      pair("e", [0.7, true, false], [0.45, false, true]), // critical vs urgent, gap 0.25
    ];
    const c = compareShadowResults(rows);
    expect(c.studies).toBe(5);
    expect(c.agreement).toBeCloseTo(2 / 5, 12);
    expect(c.liveFlagRate).toBeCloseTo(3 / 5, 12); // a, c, e
    expect(c.shadowFlagRate).toBeCloseTo(3 / 5, 12); // a, d, e
    expect(c.disagreeing).toBe(3);
    expect(c.disagreements.map((d) => [d.studyId, d.live, d.shadow])).toEqual([
      ["d", "negative", "critical"],
      ["c", "urgent", "negative"],
      ["e", "critical", "urgent"],
    ]);
    expect(compareShadowResults(rows, 1).disagreements).toHaveLength(1);
  });

  it("says nothing rather than 0% without common studies", () => {
    expect(compareShadowResults([])).toEqual({
      studies: 0,
      agreement: null,
      liveFlagRate: null,
      shadowFlagRate: null,
      disagreeing: 0,
      disagreements: [],
    });
  });
});

import { describe, expect, it } from "vitest";
import { compareReadingOrder, pinInForce, type OrderedStudy } from "@/lib/priority/reading-order";
import { computePriority, computePriorityKey, rankStudies, type PriorityInput } from "@/lib/priority/engine";
import { DEFAULT_PRIORITY_CONFIG as config } from "@/lib/priority/sla";
import { summariseResults, type ModelResult } from "@/lib/models/study-verdict";

// Hand-made cases for the edges a mutation run found untested: every expectation below is
// worked out from the rules as the README states them, not from the code.
const now = new Date(Date.UTC(2026, 10, 28, 12, 0, 0));
const at = (minutesFromNow: number) => new Date(now.getTime() + minutesFromNow * 60_000);
const ordered = (over: Partial<OrderedStudy> & { id: string }): OrderedStudy => ({
  pinnedAt: null,
  capAt: null,
  dueAt: at(60),
  firstSeenAt: at(-10),
  ...over,
});
const order = (studies: OrderedStudy[]) => [...studies].sort(compareReadingOrder(now)).map((s) => s.id);

describe("the pin in force", () => {
  it("an AI or scheduler pin counts from its time; a wait cap only once it has passed (at the very minute too)", () => {
    expect(pinInForce({ pinnedAt: at(-5), capAt: null }, now)).toEqual(at(-5));
    expect(pinInForce({ pinnedAt: null, capAt: at(1) }, now)).toBeNull();
    expect(pinInForce({ pinnedAt: null, capAt: now }, now)).toEqual(now);
    expect(pinInForce({ pinnedAt: null, capAt: at(-1) }, now)).toEqual(at(-1));
    // A pin stamped a moment ahead (another worker's clock) counts at once, as the SQL's "pinnedAt IS NOT NULL" does.
    expect(pinInForce({ pinnedAt: at(2), capAt: null }, now)).toEqual(at(2));
  });

  it("of a pin and a passed cap, the earlier counts, whichever it is", () => {
    // A scheduler pinned it after its wait cap had passed: the cap is earlier.
    expect(pinInForce({ pinnedAt: at(-2), capAt: at(-30) }, now)).toEqual(at(-30));
    // AI pinned it long before the cap passed.
    expect(pinInForce({ pinnedAt: at(-90), capAt: at(-30) }, now)).toEqual(at(-90));
  });
});

describe("the reading order", () => {
  it("pinned first by pin time; then due time; equal due times by arrival; then id", () => {
    const studies = [
      ordered({ id: "due-late", dueAt: at(120) }),
      ordered({ id: "tie-b-arrived-later", dueAt: at(30), firstSeenAt: at(-5) }),
      ordered({ id: "tie-a-arrived-earlier", dueAt: at(30), firstSeenAt: at(-50) }),
      ordered({ id: "pin-late", pinnedAt: at(-1), dueAt: at(5) }),
      ordered({ id: "cap-early", capAt: at(-20), dueAt: at(500) }),
      ordered({ id: "pin-early", pinnedAt: at(-10), dueAt: at(400) }),
      ordered({ id: "same-b", dueAt: at(45), firstSeenAt: at(-7) }),
      ordered({ id: "same-a", dueAt: at(45), firstSeenAt: at(-7) }),
    ];
    expect(order(studies)).toEqual([
      "cap-early",
      "pin-early",
      "pin-late",
      "tie-a-arrived-earlier",
      "tie-b-arrived-later",
      "same-a",
      "same-b",
      "due-late",
    ]);
  });

  it("equal pins are ordered by due time, and a study is never before itself", () => {
    const a = ordered({ id: "a", pinnedAt: at(-5), dueAt: at(10) });
    const b = ordered({ id: "b", pinnedAt: at(-5), dueAt: at(3) });
    expect(order([a, b])).toEqual(["b", "a"]);
    expect(compareReadingOrder(now)(a, a)).toBe(0);
    expect(compareReadingOrder(now)(ordered({ id: "x" }), ordered({ id: "y" }))).toBeLessThan(0);
    expect(compareReadingOrder(now)(ordered({ id: "y" }), ordered({ id: "x" }))).toBeGreaterThan(0);
  });
});

describe("the engine at the edges", () => {
  const base = (over: Partial<PriorityInput>): PriorityInput => ({
    id: "s",
    arrivedAt: at(-10),
    orderPriority: "ROUTINE",
    patientLocation: "OUTPATIENT",
    ai: null,
    override: null,
    ...over,
  });
  const aiCritical = (scoredAt: Date) =>
    ({
      status: "critical",
      finding: "intracranial-bleed",
      probability: 0.9,
      modelId: "ich-headct",
      modelVersion: "1.0.0",
      scoredAt,
    }) as const;
  const pinBy = (when: Date) => ({ kind: "pin" as const, at: when, by: "Sam Scheduler", reason: "surgeon waiting" });

  it("a study both AI-pinned and scheduler-pinned keeps the earlier of the two pins", () => {
    const aiFirst = computePriorityKey(base({ ai: aiCritical(at(-8)), override: pinBy(at(-3)) }), config);
    expect(aiFirst.pinnedAt).toEqual(at(-8));
    const schedulerFirst = computePriorityKey(base({ ai: aiCritical(at(-2)), override: pinBy(at(-6)) }), config);
    expect(schedulerFirst.pinnedAt).toEqual(at(-6));
    expect(schedulerFirst.pinSource).toBe("scheduler");
  });

  it("the cap's reason and 'cap' as the pin's source appear exactly when the cap has passed", () => {
    const cap = config.maxWaitMinutes!;
    const atCap = computePriority(base({ arrivedAt: at(-cap) }), config, now);
    expect(atCap.reasons).toContain("waited over the 24 h cap");
    expect(atCap.pinSource).toBe("cap");
    expect(atCap.pinnedAt).toEqual(now);
    const before = computePriority(base({ arrivedAt: at(-cap + 1) }), config, now);
    expect(before.reasons.some((r) => r.includes("cap"))).toBe(false);
    expect(before.pinSource).toBeNull();
    // A scheduler pin after the cap passed: the earlier cap is the pin in force, so the source says cap.
    const pinnedLater = computePriority(base({ arrivedAt: at(-cap - 30), override: pinBy(at(-5)) }), config, now);
    expect(pinnedLater.pinnedAt).toEqual(at(-30));
    expect(pinnedLater.pinSource).toBe("cap");
  });

  it("says when a scheduler pinned, as HH:MM with leading zeros", () => {
    const early = new Date(2026, 10, 28, 7, 5);
    const r = computePriority(base({ override: pinBy(early) }), config, new Date(2026, 10, 28, 8, 0));
    expect(r.reasons[0]).toBe("pinned by Sam Scheduler 07:05: surgeon waiting");
  });

  it("ranks ties in due time by arrival, as the SQL does", () => {
    // Both ROUTINE outpatient (24 h): the one with a 23 h target set by a scheduler that arrived an hour later is due at the same time.
    const first = base({ id: "arrived-first", arrivedAt: at(-60) });
    const second = base({
      id: "arrived-second",
      arrivedAt: at(0),
      override: { kind: "target", minutes: 24 * 60 - 60, at: at(0), by: "Sam Scheduler", reason: "clinic" },
    });
    expect(computePriorityKey(first, config).dueAt).toEqual(computePriorityKey(second, config).dueAt);
    expect(rankStudies([second, first], config, now).map((s) => s.id)).toEqual(["arrived-first", "arrived-second"]);
  });
});

describe("the study verdict at the edges", () => {
  const result = (over: Partial<ModelResult>): ModelResult => ({
    status: "SCORED",
    modelId: "ich-headct",
    modelVersion: "1.0.0",
    finding: "intracranial-bleed",
    probability: 0.2,
    critical: false,
    urgent: false,
    reason: null,
    ...over,
  });

  it("a failed result's probability, if any, never counts as a score", () => {
    const verdict = summariseResults(
      [result({ status: "FAILED", probability: 0.99, critical: true, reason: "pixel data truncated" })],
      1,
    );
    expect(verdict).toEqual({
      aiStatus: "unavailable",
      aiFinding: null,
      aiProbability: null,
      aiModelId: "ich-headct",
      aiModelVersion: "1.0.0",
      aiReason: "pixel data truncated",
    });
  });

  it("a scored result without a probability is no score", () => {
    expect(summariseResults([result({ probability: null, reason: null, status: "SCORED" })], 1)).toMatchObject({
      aiStatus: "not_applicable",
    });
  });

  it("one model failing beside another that scored: the failure is named with its model; none failing: no reason", () => {
    const both = summariseResults(
      [result({ modelId: "ptx-cxr", status: "FAILED", probability: null, reason: null }), result({})],
      2,
    );
    expect(both).toMatchObject({ aiStatus: "negative", aiReason: "ptx-cxr: scoring failed" });
    expect(summariseResults([result({})], 1)).toMatchObject({ aiStatus: "negative", aiReason: null });
    const twoFailed = summariseResults(
      [
        result({ status: "FAILED", probability: null, reason: "timeout" }),
        result({ modelId: "ptx-cxr", status: "FAILED", probability: null, reason: null }),
      ],
      2,
    );
    expect(twoFailed?.aiReason).toBe("ich-headct: timeout; ptx-cxr: scoring failed");
    const oneOfOneNoReason = summariseResults([result({ status: "FAILED", probability: null, reason: null })], 1);
    expect(oneOfOneNoReason?.aiReason).toBe("scoring failed");
  });

  it("no model applicable: each model's reason, joined", () => {
    const verdict = summariseResults(
      [
        result({ status: "NOT_APPLICABLE", probability: null, reason: "no axial CT series" }),
        result({ modelId: "ptx-cxr", status: "NOT_APPLICABLE", probability: null, reason: null }),
      ],
      2,
    );
    expect(verdict?.aiReason).toBe("ich-headct: no axial CT series; ptx-cxr: not applicable");
  });
});

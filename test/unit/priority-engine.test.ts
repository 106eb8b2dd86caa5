import { describe, expect, it } from "vitest";
import { computePriority, formatMinutes, rankStudies, type AiVerdict, type PriorityInput } from "@/lib/priority/engine";
import { DEFAULT_PRIORITY_CONFIG as config, DEFAULT_SLA_MINUTES } from "@/lib/priority/sla";

const now = new Date(2026, 10, 28, 12, 0, 0);
const minsAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const study = (over: Partial<PriorityInput> = {}): PriorityInput => ({
  id: over.id ?? "s",
  arrivedAt: minsAgo(10),
  orderPriority: "ROUTINE",
  patientLocation: "OUTPATIENT",
  ai: null,
  override: null,
  ...over,
});
const critical = (scoredMinsAgo = 1, probability = 0.93): AiVerdict => ({
  status: "critical",
  finding: "intracranial-bleed",
  probability,
  modelId: "ich-headct",
  modelVersion: "1.0.0",
  scoredAt: minsAgo(scoredMinsAgo),
});
const urgent: AiVerdict = {
  status: "urgent",
  finding: "pneumothorax",
  probability: 0.61,
  modelId: "ptx-cxr",
  modelVersion: "1.0.0",
  scoredAt: minsAgo(1),
};

describe("target minutes by class", () => {
  const cases = Object.entries(DEFAULT_SLA_MINUTES).flatMap(([p, row]) =>
    Object.entries(row).map(([l, m]) => [p, l, m] as const),
  );
  it.each(cases)("%s × %s → %i min", (p, l, minutes) => {
    const r = computePriority(
      study({ orderPriority: p === "UNKNOWN" ? null : (p as "STAT"), patientLocation: l as "ED" }),
      config,
      now,
    );
    expect(r.targetMinutes).toBe(minutes);
    expect(r.dueAt.getTime() - minsAgo(10).getTime()).toBe(minutes * 60_000);
    expect(r.pinnedAt).toBeNull();
  });

  it("names the class in words, including a missing priority", () => {
    expect(computePriority(study({ orderPriority: "STAT", patientLocation: "ED" }), config, now).reasons).toEqual(
      expect.arrayContaining(["STAT order", "ED patient"]),
    );
    expect(computePriority(study({ orderPriority: null, patientLocation: "UNKNOWN" }), config, now).reasons).toEqual(
      expect.arrayContaining(["ROUTINE order (priority not given)", "location unknown"]),
    );
  });
});

describe("AI results", () => {
  it("critical pins at the scoring time, sets a 15-minute target and says why", () => {
    const r = computePriority(study({ ai: critical(2) }), config, now);
    expect(r).toMatchObject({ targetMinutes: 15, pinnedAt: minsAgo(2), pinSource: "ai" });
    expect(r.reasons[0]).toBe("AI: suspected intracranial bleed 0.93 (ich-headct 1.0.0)");
  });
  it("critical never lengthens a shorter class target", () => {
    expect(
      computePriority(study({ ai: critical(), orderPriority: "STAT" }), { ...config, aiCriticalTargetMinutes: 45 }, now)
        .targetMinutes,
    ).toBe(30);
  });
  it("urgent shortens the target without pinning", () => {
    const r = computePriority(study({ ai: urgent }), config, now);
    expect(r).toMatchObject({ targetMinutes: 60, pinnedAt: null });
    expect(r.reasons[0]).toBe("AI: possible pneumothorax 0.61 (ptx-cxr 1.0.0)");
  });
  it.each([
    [{ status: "unavailable", reason: "PACS timeout" } as AiVerdict, "AI unavailable: PACS timeout"],
    [{ status: "not-applicable" } as AiVerdict, "no applicable model"],
    [
      { status: "not-applicable", reason: "no model for MR KNEE" } as AiVerdict,
      "no applicable model (no model for MR KNEE)",
    ],
    [
      {
        status: "negative",
        finding: "pneumothorax",
        probability: 0.04,
        modelId: "ptx-cxr",
        modelVersion: "1.0.0",
        scoredAt: now,
      } as AiVerdict,
      "AI: no pneumothorax found 0.04 (ptx-cxr 1.0.0)",
    ],
  ])("%j keeps the order's priority and says %s", (ai, reason) => {
    const r = computePriority(study({ ai }), config, now);
    expect(r.targetMinutes).toBe(1440);
    expect(r.pinnedAt).toBeNull();
    expect(r.reasons).toContain(reason);
  });
});

describe("scheduler overrides", () => {
  it("a pin wins and is shown first", () => {
    const r = computePriority(
      study({
        override: { kind: "pin", by: "Sam Scheduler", at: new Date(2026, 10, 28, 10, 42), reason: "surgeon waiting" },
      }),
      config,
      now,
    );
    expect(r).toMatchObject({ pinSource: "scheduler", pinnedAt: new Date(2026, 10, 28, 10, 42) });
    expect(r.reasons[0]).toBe("pinned by Sam Scheduler 10:42: surgeon waiting");
  });
  it("a target override replaces the class and AI targets", () => {
    const r = computePriority(
      study({
        ai: urgent,
        override: { kind: "target", minutes: 480, by: "Sam", at: minsAgo(5), reason: "patient discharged" },
      }),
      config,
      now,
    );
    expect(r.targetMinutes).toBe(480);
    expect(r.reasons[0]).toMatch(/^target set to 8 h by Sam \d\d:\d\d: patient discharged$/);
  });
});

describe("waiting and the cap", () => {
  it("says how long it waited and when it is due, or by how much it is overdue", () => {
    expect(
      computePriority(study({ arrivedAt: minsAgo(42), orderPriority: "MEDIUM", patientLocation: "ED" }), config, now)
        .reasons,
    ).toContain("waiting 42 min, due in 18 min");
    expect(computePriority(study({ arrivedAt: minsAgo(95), orderPriority: "STAT" }), config, now).reasons).toContain(
      "waiting 1 h 35 min, overdue by 1 h 5 min",
    );
  });
  it("is due exactly now at the boundary", () => {
    expect(computePriority(study({ arrivedAt: minsAgo(30), orderPriority: "STAT" }), config, now).reasons).toContain(
      "waiting 30 min, due in 0 min",
    );
  });
  it("pins a study that waited past the cap, at the moment the cap passed", () => {
    const r = computePriority(study({ arrivedAt: minsAgo(25 * 60), orderPriority: "LOW" }), config, now);
    expect(r).toMatchObject({ pinSource: "cap", pinnedAt: minsAgo(60) });
    expect(r.reasons).toContain("waited over the 24 h cap");
  });
  it("does not cap one minute early, and not at all without a cap", () => {
    expect(computePriority(study({ arrivedAt: minsAgo(24 * 60 - 1) }), config, now).pinnedAt).toBeNull();
    expect(
      computePriority(study({ arrivedAt: minsAgo(48 * 60) }), { ...config, maxWaitMinutes: null }, now).pinnedAt,
    ).toBeNull();
  });
});

describe("reading order", () => {
  it("pinned first (oldest pin first), then earliest due, ties by arrival then id", () => {
    const list = [
      study({ id: "routine-old", arrivedAt: minsAgo(600), patientLocation: "INPATIENT" }), // due 240 min after arrival: overdue
      study({ id: "stat-new", arrivedAt: minsAgo(5), orderPriority: "STAT" }),
      study({ id: "ai-critical-late", ai: critical(1) }),
      study({ id: "ai-critical-early", ai: critical(3) }),
      study({ id: "tie-b", arrivedAt: minsAgo(20), orderPriority: "HIGH", patientLocation: "ED" }),
      study({ id: "tie-a", arrivedAt: minsAgo(20), orderPriority: "HIGH", patientLocation: "ED" }),
      study({ id: "outpatient", arrivedAt: minsAgo(30) }),
    ];
    expect(rankStudies(list, config, now).map((s) => s.id)).toEqual([
      "ai-critical-early",
      "ai-critical-late",
      "routine-old",
      "tie-a",
      "tie-b",
      "stat-new",
      "outpatient",
    ]);
  });

  it("waiting raises priority by itself: an old routine study overtakes a new urgent one", () => {
    const old = study({ id: "old", arrivedAt: minsAgo(23 * 60) });
    const fresh = study({ id: "fresh", arrivedAt: minsAgo(0), orderPriority: "HIGH", patientLocation: "OUTPATIENT" });
    expect(rankStudies([fresh, old], config, now).map((s) => s.id)).toEqual(["old", "fresh"]);
  });

  it("a capped study is read before critical cases flagged after its cap passed", () => {
    const starving = study({ id: "starving", arrivedAt: minsAgo(26 * 60) });
    const stream = Array.from({ length: 5 }, (_, i) => study({ id: `crit-${i}`, ai: critical(i) }));
    expect(rankStudies([...stream, starving], config, now)[0]!.id).toBe("starving");
    expect(rankStudies([...stream, starving], { ...config, maxWaitMinutes: null }, now).at(-1)!.id).toBe("starving");
  });

  it("gives every study at least one reason", () => {
    for (const r of rankStudies([study(), study({ ai: { status: "pending" } })], config, now))
      expect(r.priority.reasons.length).toBeGreaterThan(0);
  });
});

describe("formatMinutes", () => {
  it.each([
    [0, "0 min"],
    [59.6, "1 h"],
    [61, "1 h 1 min"],
    [1440, "24 h"],
    [-5, "5 min"],
  ])("%d → %s", (m, s) => expect(formatMinutes(m)).toBe(s));
});

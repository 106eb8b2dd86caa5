// A Study row as the priority engine's input (server/worklist/priority-input.ts): pure mapping,
// every expected object written out by hand from the columns.
import { describe, expect, it } from "vitest";
import { toPriorityInput, type PriorityColumns } from "@/server/worklist/priority-input";

const arrived = new Date("2026-12-06T08:00:00Z");
const scored = new Date("2026-12-06T08:03:00Z");
const row = (s: Partial<PriorityColumns> = {}): PriorityColumns => ({
  id: "st1",
  firstSeenAt: arrived,
  orderPriority: "HIGH",
  patientLocation: "INPATIENT",
  scoredAt: null,
  aiStatus: null,
  aiFinding: null,
  aiProbability: null,
  aiModelId: null,
  aiModelVersion: null,
  aiReason: null,
  overrideKind: null,
  overrideMinutes: null,
  overrideReason: null,
  overrideAt: null,
  overrideBy: null,
  ...s,
});

describe("toPriorityInput", () => {
  it("not scored, no override: arrival, priority and location only", () => {
    expect(toPriorityInput(row())).toEqual({
      id: "st1",
      arrivedAt: arrived,
      orderPriority: "HIGH",
      patientLocation: "INPATIENT",
      ai: null,
      override: null,
    });
  });

  it("a scored verdict carries its finding, probability, model and time", () => {
    const ai = toPriorityInput(
      row({
        aiStatus: "critical",
        aiFinding: "intracranial haemorrhage",
        aiProbability: 0.93,
        aiModelId: "ich-headct",
        aiModelVersion: "1.2.0",
        scoredAt: scored,
      }),
    ).ai;
    expect(ai).toEqual({
      status: "critical",
      finding: "intracranial haemorrhage",
      probability: 0.93,
      modelId: "ich-headct",
      modelVersion: "1.2.0",
      scoredAt: scored,
    });
  });

  it("a verdict with missing columns gets plain stand-ins, and the arrival as its time", () => {
    expect(toPriorityInput(row({ aiStatus: "negative" })).ai).toEqual({
      status: "negative",
      finding: "finding",
      probability: 0,
      modelId: "model",
      modelVersion: "",
      scoredAt: arrived,
    });
  });

  it("unavailable and not applicable carry their reason, or a default one", () => {
    expect(toPriorityInput(row({ aiStatus: "unavailable", aiReason: "PACS timed out" })).ai).toEqual({
      status: "unavailable",
      reason: "PACS timed out",
    });
    expect(toPriorityInput(row({ aiStatus: "unavailable" })).ai).toEqual({
      status: "unavailable",
      reason: "scoring failed",
    });
    expect(toPriorityInput(row({ aiStatus: "not_applicable", aiReason: "no head CT series" })).ai).toEqual({
      status: "not-applicable",
      reason: "no head CT series",
    });
    expect(toPriorityInput(row({ aiStatus: "not_applicable" })).ai).toEqual({ status: "not-applicable" });
  });

  it("overrides: a pin and a target with who and why; a deleted user is 'a former user'", () => {
    const at = new Date("2026-12-06T09:00:00Z");
    expect(
      toPriorityInput(
        row({ overrideKind: "pin", overrideAt: at, overrideReason: "surgeon waiting", overrideBy: { name: "Sam" } }),
      ).override,
    ).toEqual({ kind: "pin", by: "Sam", at, reason: "surgeon waiting" });
    expect(
      toPriorityInput(row({ overrideKind: "target", overrideMinutes: 45, overrideAt: at, overrideReason: null }))
        .override,
    ).toEqual({ kind: "target", minutes: 45, by: "a former user", at, reason: "" });
    // A kind without its time is no override.
    expect(toPriorityInput(row({ overrideKind: "pin" })).override).toBeNull();
  });
});

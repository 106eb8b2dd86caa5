import type { AiVerdict, Override, PriorityInput } from "@/lib/priority/engine";
import type { OrderPriority, PatientLocation } from "@/lib/priority/classes";

/** The Study columns the priority engine reads. */
export const priorityColumns = {
  id: true,
  firstSeenAt: true,
  orderPriority: true,
  patientLocation: true,
  scoredAt: true,
  aiStatus: true,
  aiFinding: true,
  aiProbability: true,
  aiModelId: true,
  aiModelVersion: true,
  aiReason: true,
  overrideKind: true,
  overrideMinutes: true,
  overrideReason: true,
  overrideAt: true,
  overrideBy: { select: { name: true } },
} as const;

export type PriorityColumns = {
  id: string;
  firstSeenAt: Date;
  orderPriority: OrderPriority | null;
  patientLocation: PatientLocation;
  scoredAt: Date | null;
  aiStatus: "critical" | "urgent" | "negative" | "unavailable" | "not_applicable" | null;
  aiFinding: string | null;
  aiProbability: number | null;
  aiModelId: string | null;
  aiModelVersion: string | null;
  aiReason: string | null;
  overrideKind: "pin" | "target" | null;
  overrideMinutes: number | null;
  overrideReason: string | null;
  overrideAt: Date | null;
  overrideBy: { name: string } | null;
};

function verdict(s: PriorityColumns): AiVerdict | null {
  switch (s.aiStatus) {
    case null:
      return null;
    case "unavailable":
      return { status: "unavailable", reason: s.aiReason ?? "scoring failed" };
    case "not_applicable":
      return s.aiReason ? { status: "not-applicable", reason: s.aiReason } : { status: "not-applicable" };
    default:
      return {
        status: s.aiStatus,
        finding: s.aiFinding ?? "finding",
        probability: s.aiProbability ?? 0,
        modelId: s.aiModelId ?? "model",
        modelVersion: s.aiModelVersion ?? "",
        scoredAt: s.scoredAt ?? s.firstSeenAt,
      };
  }
}

function override(s: PriorityColumns): Override | null {
  if (!s.overrideKind || !s.overrideAt) return null;
  const by = s.overrideBy?.name ?? "a former user";
  const reason = s.overrideReason ?? "";
  return s.overrideKind === "pin"
    ? { kind: "pin", by, at: s.overrideAt, reason }
    : { kind: "target", minutes: s.overrideMinutes ?? 60, by, at: s.overrideAt, reason };
}

/** A Study row as the engine's plain input: arrival is when ReadNext first saw the study. */
export function toPriorityInput(s: PriorityColumns): PriorityInput {
  return {
    id: s.id,
    arrivedAt: s.firstSeenAt,
    orderPriority: s.orderPriority,
    patientLocation: s.patientLocation,
    ai: verdict(s),
    override: override(s),
  };
}

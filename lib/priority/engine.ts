import type { OrderPriority, PatientLocation } from "./classes";
import type { PriorityConfig } from "./sla";
import { compareReadingOrder, pinInForce } from "./reading-order";

/** What the AI said about a study, as far as ordering is concerned. */
export type AiVerdict =
  | {
      status: "critical" | "urgent" | "negative";
      finding: string;
      probability: number;
      modelId: string;
      modelVersion: string;
      scoredAt: Date;
    }
  | { status: "unavailable"; reason: string }
  | { status: "not-applicable"; reason?: string }
  | { status: "pending" };

export type Override =
  | { kind: "pin"; by: string; at: Date; reason: string }
  | { kind: "target"; minutes: number; by: string; at: Date; reason: string };

/** Plain data in: the worklist and the simulator both call the engine with this. */
export type PriorityInput = {
  id: string;
  arrivedAt: Date;
  orderPriority: OrderPriority | null;
  patientLocation: PatientLocation;
  ai: AiVerdict | null;
  override: Override | null;
};

export type Priority = {
  id: string;
  targetMinutes: number;
  dueAt: Date;
  /** When the study was pinned (AI critical, scheduler pin, or the wait cap); null if not pinned. */
  pinnedAt: Date | null;
  pinSource: "ai" | "scheduler" | "cap" | null;
  reasons: string[];
};

const LOCATION_WORDS: Record<PatientLocation, string> = {
  ED: "ED patient",
  INPATIENT: "inpatient",
  OUTPATIENT: "outpatient",
  UNKNOWN: "location unknown",
};
const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;

export function formatMinutes(minutes: number): string {
  const m = Math.round(Math.abs(minutes));
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest ? `${h} h ${rest} min` : `${h} h`;
}

function findingWords(finding: string): string {
  return finding.replace(/[-_]/g, " ");
}

/** The clock-free part of a study's priority: what the worklist stores and the simulator keeps per study. */
export type PriorityKey = {
  targetMinutes: number;
  dueAt: Date;
  /** AI critical or scheduler pin time; null if neither. */
  pinnedAt: Date | null;
  pinSource: "ai" | "scheduler" | null;
  /** arrival + maximum wait; from then on the study counts as pinned at this time. Null: no cap. */
  capAt: Date | null;
};

/**
 * Due time and pin for one study. Due = arrival + target, so a waiting study rises by
 * itself; AI critical pins and sets a short target; AI urgent shortens it; a scheduler's
 * pin or target wins over both. The wait cap is kept as capAt for comparePriorityAt.
 */
export function computePriorityKey(study: PriorityInput, config: PriorityConfig): PriorityKey {
  let target = config.sla[study.orderPriority ?? "UNKNOWN"][study.patientLocation];
  let pinnedAt: Date | null = null;
  let pinSource: PriorityKey["pinSource"] = null;
  const ai = study.ai;
  if (ai?.status === "critical") {
    target = Math.min(target, config.aiCriticalTargetMinutes);
    pinnedAt = ai.scoredAt;
    pinSource = "ai";
  } else if (ai?.status === "urgent") {
    target = Math.min(target, config.aiUrgentTargetMinutes);
  }
  const override = study.override;
  if (override?.kind === "pin") {
    // A scheduler's pin orders by its own time, even ahead of later AI pins.
    pinnedAt = pinnedAt && pinnedAt < override.at ? pinnedAt : override.at;
    pinSource = "scheduler";
  } else if (override?.kind === "target") {
    target = override.minutes;
  }
  return {
    targetMinutes: target,
    dueAt: new Date(study.arrivedAt.getTime() + target * 60_000),
    pinnedAt,
    pinSource,
    capAt: config.maxWaitMinutes === null ? null : new Date(study.arrivedAt.getTime() + config.maxWaitMinutes * 60_000),
  };
}

/** The pin in force at `now`: the AI/scheduler pin, or the passed wait cap, whichever is earlier. */
export function effectivePin(key: Pick<PriorityKey, "pinnedAt" | "capAt">, now: Date): Date | null {
  return pinInForce(key, now);
}

type Comparable = Pick<PriorityKey, "pinnedAt" | "capAt" | "dueAt"> & { arrivedAt: Date; id: string };

/** The reading order at `now` (reading-order.ts): pinned first (oldest pin first), then earliest due time; ties by arrival, then id. */
export function comparePriorityAt(now: Date): (a: Comparable, b: Comparable) => number {
  const compare = compareReadingOrder(now);
  return (a, b) => compare({ ...a, firstSeenAt: a.arrivedAt }, { ...b, firstSeenAt: b.arrivedAt });
}

/** Priority with its reasons in words, at `now` (waiting times and the cap depend on the clock). */
export function computePriority(study: PriorityInput, config: PriorityConfig, now: Date): Priority {
  const key = computePriorityKey(study, config);
  const reasons: string[] = [];
  const ai = study.ai;
  if (ai && (ai.status === "critical" || ai.status === "urgent")) {
    reasons.push(
      `AI: ${ai.status === "critical" ? "suspected" : "possible"} ${findingWords(ai.finding)} ${ai.probability.toFixed(2)} (${ai.modelId} ${ai.modelVersion})`,
    );
  } else if (ai?.status === "unavailable") {
    reasons.push(`AI unavailable: ${ai.reason}`);
  } else if (ai?.status === "not-applicable") {
    reasons.push(ai.reason ? `no applicable model (${ai.reason})` : "no applicable model");
  } else if (ai?.status === "negative") {
    reasons.push(
      `AI: no ${findingWords(ai.finding)} found ${ai.probability.toFixed(2)} (${ai.modelId} ${ai.modelVersion})`,
    );
  }
  const override = study.override;
  if (override?.kind === "pin") reasons.unshift(`pinned by ${override.by} ${hhmm(override.at)}: ${override.reason}`);
  else if (override?.kind === "target")
    reasons.unshift(
      `target set to ${formatMinutes(override.minutes)} by ${override.by} ${hhmm(override.at)}: ${override.reason}`,
    );
  reasons.push(study.orderPriority ? `${study.orderPriority} order` : "ROUTINE order (priority not given)");
  reasons.push(LOCATION_WORDS[study.patientLocation]);
  const waited = (now.getTime() - study.arrivedAt.getTime()) / 60_000;
  const left = (key.dueAt.getTime() - now.getTime()) / 60_000;
  reasons.push(
    `waiting ${formatMinutes(Math.max(0, waited))}, ${left >= 0 ? `due in ${formatMinutes(left)}` : `overdue by ${formatMinutes(left)}`}`,
  );
  const pinnedAt = effectivePin(key, now);
  const capped = key.capAt !== null && key.capAt <= now;
  if (capped) reasons.push(`waited over the ${formatMinutes(config.maxWaitMinutes!)} cap`);
  const pinSource: Priority["pinSource"] =
    pinnedAt === null ? null : key.pinnedAt && pinnedAt.getTime() === key.pinnedAt.getTime() ? key.pinSource : "cap";
  return { id: study.id, targetMinutes: key.targetMinutes, dueAt: key.dueAt, pinnedAt, pinSource, reasons };
}

/** Ranks studies for reading at `now`. The same key and comparison order the worklist (in SQL) and the simulator. */
export function rankStudies<T extends PriorityInput>(
  studies: T[],
  config: PriorityConfig,
  now: Date,
): (T & { priority: Priority })[] {
  const compare = comparePriorityAt(now);
  return studies
    .map((s) => ({ ...s, key: computePriorityKey(s, config), priority: computePriority(s, config, now) }))
    .sort((a, b) =>
      compare({ ...a.key, arrivedAt: a.arrivedAt, id: a.id }, { ...b.key, arrivedAt: b.arrivedAt, id: b.id }),
    )
    .map(({ key: _key, ...rest }) => rest as T & { priority: Priority });
}

import type { OrderPriority, PatientLocation } from "../ingest/study-record";
import type { PriorityConfig } from "./sla";

/** What the AI said about a study, as far as ordering is concerned. */
export type AiVerdict =
  | { status: "critical" | "urgent" | "negative"; finding: string; probability: number; modelId: string; modelVersion: string; scoredAt: Date }
  | { status: "unavailable"; reason: string }
  | { status: "not-applicable" }
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

const LOCATION_WORDS: Record<PatientLocation, string> = { ED: "ED patient", INPATIENT: "inpatient", OUTPATIENT: "outpatient", UNKNOWN: "location unknown" };
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

/**
 * Due time, pin and reasons for one study at `now`. Due = arrival + target, so a
 * waiting study rises by itself; AI critical pins and sets a short target; AI urgent
 * shortens it; a scheduler's pin or target wins over both; past the wait cap the
 * study is pinned too, so a stream of flagged cases cannot starve it.
 */
export function computePriority(study: PriorityInput, config: PriorityConfig, now: Date): Priority {
  const priorityClass = study.orderPriority ?? "UNKNOWN";
  let target = config.sla[priorityClass][study.patientLocation];
  const reasons: string[] = [];
  let pinnedAt: Date | null = null;
  let pinSource: Priority["pinSource"] = null;

  const ai = study.ai;
  if (ai && (ai.status === "critical" || ai.status === "urgent")) {
    const words = `${ai.status === "critical" ? "suspected" : "possible"} ${findingWords(ai.finding)} ${ai.probability.toFixed(2)} (${ai.modelId} ${ai.modelVersion})`;
    reasons.push(`AI: ${words}`);
    if (ai.status === "critical") {
      target = Math.min(target, config.aiCriticalTargetMinutes);
      pinnedAt = ai.scoredAt;
      pinSource = "ai";
    } else {
      target = Math.min(target, config.aiUrgentTargetMinutes);
    }
  } else if (ai?.status === "unavailable") {
    reasons.push(`AI unavailable: ${ai.reason}`);
  } else if (ai?.status === "not-applicable") {
    reasons.push("no applicable model");
  } else if (ai?.status === "negative") {
    reasons.push(`AI: no ${findingWords(ai.finding)} found ${ai.probability.toFixed(2)} (${ai.modelId} ${ai.modelVersion})`);
  }

  const override = study.override;
  if (override?.kind === "pin") {
    // A scheduler's pin wins: it orders by its own time, even ahead of later AI pins.
    pinnedAt = pinnedAt && pinnedAt < override.at ? pinnedAt : override.at;
    pinSource = "scheduler";
    reasons.unshift(`pinned by ${override.by} ${hhmm(override.at)}: ${override.reason}`);
  } else if (override?.kind === "target") {
    target = override.minutes;
    reasons.unshift(`target set to ${formatMinutes(override.minutes)} by ${override.by} ${hhmm(override.at)}: ${override.reason}`);
  }

  reasons.push(study.orderPriority ? `${study.orderPriority} order` : "ROUTINE order (priority not given)");
  reasons.push(LOCATION_WORDS[study.patientLocation]);

  const dueAt = new Date(study.arrivedAt.getTime() + target * 60_000);
  const waited = (now.getTime() - study.arrivedAt.getTime()) / 60_000;
  const left = (dueAt.getTime() - now.getTime()) / 60_000;
  reasons.push(`waiting ${formatMinutes(Math.max(0, waited))}, ${left >= 0 ? `due in ${formatMinutes(left)}` : `overdue by ${formatMinutes(left)}`}`);

  if (config.maxWaitMinutes !== null && waited >= config.maxWaitMinutes) {
    const capAt = new Date(study.arrivedAt.getTime() + config.maxWaitMinutes * 60_000);
    if (!pinnedAt || capAt < pinnedAt) {
      pinnedAt = capAt;
      pinSource = pinSource ?? "cap";
    }
    reasons.push(`waited over the ${formatMinutes(config.maxWaitMinutes)} cap`);
  }

  return { id: study.id, targetMinutes: target, dueAt, pinnedAt, pinSource, reasons };
}

/** The reading order: pinned first (oldest pin first), then earliest due time; ties by arrival, then id. */
export function comparePriority(a: Priority & { arrivedAt: Date }, b: Priority & { arrivedAt: Date }): number {
  if (a.pinnedAt && b.pinnedAt) {
    const d = a.pinnedAt.getTime() - b.pinnedAt.getTime();
    if (d) return d;
  } else if (a.pinnedAt || b.pinnedAt) {
    return a.pinnedAt ? -1 : 1;
  }
  return a.dueAt.getTime() - b.dueAt.getTime() || a.arrivedAt.getTime() - b.arrivedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Ranks studies for reading at `now`. The same function orders the worklist and the simulator's queue. */
export function rankStudies<T extends PriorityInput>(studies: T[], config: PriorityConfig, now: Date): (T & { priority: Priority })[] {
  return studies
    .map((s) => ({ ...s, priority: computePriority(s, config, now) }))
    .sort((a, b) => comparePriority({ ...a.priority, arrivedAt: a.arrivedAt }, { ...b.priority, arrivedAt: b.arrivedAt }));
}

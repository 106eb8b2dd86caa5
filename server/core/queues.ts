import { createHash } from "node:crypto";
import type { Db } from "../db/client";
import type { SweepState } from "@/lib/ingest/sweep-due";

/**
 * The job queue's vocabulary, shared by the features that queue or report jobs: queue names,
 * payloads, ids, and where a source's sweep job stands. How the queues run (pg-boss, retry
 * and singleton rules) is server/jobs/queue.ts.
 */

/** pg-boss keeps its tables in their own schema, beside ReadNext's (which the drift test checks). */
export const QUEUE_SCHEMA = "pgboss";
export const SCORE_QUEUE = "score-study";
/** Score jobs of model versions in shadow mode: a queue of their own, so they never hold up a live verdict. */
export const SHADOW_SCORE_QUEUE = "score-study-shadow";
/** Score jobs that failed for good (retries used up, or their worker died each time) land here. */
export const SCORE_FAILED_QUEUE = "score-study-failed";
export const WEBHOOK_QUEUE = "critical-webhook";
export const SOURCE_SWEEP_QUEUE = "source-sweep";
/** AI results sent back to the PACS as DICOM SR (server/results/write-back.ts). */
export const RESULT_SR_QUEUE = "result-sr";
/** Local validations started on the admin page, run by the workers a slice at a time (server/jobs/model-validations.ts). */
export const VALIDATION_QUEUE = "model-validation";
/** The drift check, every 5 minutes on one worker (pg-boss schedule): server/jobs/model-drift.ts. */
export const DRIFT_CHECK_QUEUE = "model-drift-check";
/** A drift alert that opened, to the department's webhook. */
export const DRIFT_WEBHOOK_QUEUE = "model-drift-webhook";
/** Workers LISTEN here and poll at once when jobs were queued anywhere. */
export const JOBS_CHANNEL = "readnext_jobs";

export type ScoreJobData = {
  studyId: string;
  revision: number;
  modelId: string;
  modelVersion: string;
  /** Live models queued for this revision: the verdict waits for them all (unless one flags). */
  expectedModels: number;
  /** A shadow-mode version: its result is stored and compared, never acted on. */
  shadow?: boolean;
};
export type WebhookJobData = { aiResultId: string };
export type SourceSweepJobData = { sourceId: string };
export type ResultSrJobData = { aiResultId: string };
export type ValidationJobData = { validationId: string };
export type DriftWebhookJobData = { alertId: string };

/**
 * One job per (study revision, model version): the id is derived from that key, so
 * queueing it again, from any worker, inserts nothing (pg-boss: ON CONFLICT DO NOTHING).
 */
export function scoreJobId(job: Pick<ScoreJobData, "studyId" | "revision" | "modelId" | "modelVersion">): string {
  return uuidFromKey(`${job.studyId}\n${job.revision}\n${job.modelId}\n${job.modelVersion}`);
}

/** One write-back job per AI result, whoever queues it. */
export function resultSrJobId(aiResultId: string): string {
  return uuidFromKey(`result-sr\n${aiResultId}`);
}

/** A name-based UUID (version 5 layout over SHA-256): the same key always gives the same job id. */
function uuidFromKey(key: string): string {
  const h = createHash("sha256").update(key).digest("hex");
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export type PendingSweep = { state: SweepState; startAfter: Date };

const STATE: Record<string, SweepState> = { created: "queued", retry: "retrying", active: "running" };

/**
 * The sweep jobs not yet finished, by source id, read from pg-boss's job table (one indexed
 * query). Before any worker has started, pg-boss's schema does not exist yet: nothing is pending.
 */
export async function pendingSweeps(db: Db): Promise<Map<string, PendingSweep[]>> {
  const [schema] = await db.$queryRawUnsafe<{ exists: boolean }[]>(
    `SELECT to_regclass('${QUEUE_SCHEMA}.job') IS NOT NULL AS exists`,
  );
  const byId = new Map<string, PendingSweep[]>();
  if (!schema?.exists) return byId;
  const rows = await db.$queryRawUnsafe<{ sourceId: string; state: string; startAfter: Date }[]>(
    `SELECT singleton_key AS "sourceId", state::text AS state, start_after AS "startAfter"
       FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state < 'completed'`,
    SOURCE_SWEEP_QUEUE,
  );
  for (const row of rows) {
    const state = STATE[row.state];
    if (!state) continue;
    byId.set(row.sourceId, [...(byId.get(row.sourceId) ?? []), { state, startAfter: row.startAfter }]);
  }
  return byId;
}

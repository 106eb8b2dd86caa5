import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import { env } from "../env";
import { log } from "../log";

/**
 * Every pg-boss queue ReadNext uses, with its retry and singleton rules, in one place.
 * The loops and listeners that feed them are listed in server/jobs/index.ts.
 */

/** pg-boss keeps its tables in their own schema, beside ReadNext's (which the drift test checks). */
export const QUEUE_SCHEMA = "pgboss";
export const SCORE_QUEUE = "score-study";
/** Score jobs that failed for good (retries used up, or their worker died each time) land here. */
export const SCORE_FAILED_QUEUE = "score-study-failed";
export const WEBHOOK_QUEUE = "critical-webhook";
export const SOURCE_SWEEP_QUEUE = "source-sweep";
/** Workers LISTEN here and poll at once when jobs were queued anywhere. */
export const JOBS_CHANNEL = "readnext_jobs";

export type ScoreJobData = {
  studyId: string;
  revision: number;
  modelId: string;
  modelVersion: string;
  expectedModels: number;
};
export type WebhookJobData = { aiResultId: string };
export type SourceSweepJobData = { sourceId: string };

/**
 * One job per (study revision, model version): the id is derived from that key, so
 * queueing it again, from any worker, inserts nothing (pg-boss: ON CONFLICT DO NOTHING).
 */
export function scoreJobId(job: Pick<ScoreJobData, "studyId" | "revision" | "modelId" | "modelVersion">): string {
  const h = createHash("sha256")
    .update(`${job.studyId}\n${job.revision}\n${job.modelId}\n${job.modelVersion}`)
    .digest("hex");
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Score a study revision with one model: retried with backoff, then dead-lettered (the study says why). */
export function scoreJobOptions(job: ScoreJobData): PgBoss.SendOptions {
  const e = env();
  return {
    id: scoreJobId(job),
    retryLimit: e.SCORING_RETRY_LIMIT,
    retryDelay: e.SCORING_RETRY_DELAY_SECONDS,
    retryBackoff: true,
    // A worker killed mid-job holds it this long before another takes it over.
    expireInSeconds: e.SCORING_JOB_TIMEOUT_SECONDS + 5,
  };
}

/** A critical-finding webhook: the receiver may be down for a while; ~10 tries over ~1.5 h. */
export const WEBHOOK_JOB_OPTIONS: PgBoss.SendOptions = { retryLimit: 10, retryDelay: 5, retryBackoff: true };

/**
 * A QIDO sweep of one PACS source. Singleton per source (the queue's "stately" policy: at
 * most one waiting, one waiting to retry and one running per source, across all workers).
 * pg-boss retries a failed sweep with equal-jitter exponential backoff: 2–4 s, 4–8 s, …,
 * 128–256 s (about 8 minutes in all); after that the source waits its normal interval
 * (source-watch.ts) and a new round begins. "Sync now" queues one at once, backoff or not.
 */
export function sourceSweepOptions(sourceId: string): PgBoss.SendOptions {
  return {
    singletonKey: sourceId,
    retryLimit: 7,
    retryDelay: 2,
    retryBackoff: true,
    // A worker killed mid-sweep holds the source this long; the change feed keeps intake going meanwhile.
    expireInSeconds: 30 * 60,
  };
}

/** The queues and their queue-level rules; created (if missing) by every worker at start. */
const QUEUES: PgBoss.Queue[] = [
  // The dead-letter queue must exist before the queue that names it.
  { name: SCORE_FAILED_QUEUE },
  { name: SCORE_QUEUE, deadLetter: SCORE_FAILED_QUEUE },
  { name: WEBHOOK_QUEUE },
  { name: SOURCE_SWEEP_QUEUE, policy: "stately" },
];

export async function startJobQueue(databaseUrl: string, options: { maintenanceSeconds: number }): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: QUEUE_SCHEMA,
    application_name: "readnext-worker",
    max: 6,
    maintenanceIntervalSeconds: options.maintenanceSeconds,
    // Finished jobs stay visible to admins for a week, then go.
    deleteAfterDays: 7,
  });
  boss.on("error", (error) => log.warn({ err: error.message }, "job queue error"));
  await boss.start();
  // createQueue does nothing when the queue exists.
  for (const queue of QUEUES) await boss.createQueue(queue.name, queue);
  return boss;
}

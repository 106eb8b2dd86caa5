import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import { log } from "../log";

/** pg-boss keeps its tables in their own schema, beside ReadNext's (which the drift test checks). */
export const QUEUE_SCHEMA = "pgboss";
export const SCORE_QUEUE = "score-study";
/** Score jobs that failed for good (retries used up, or their worker died each time) land here. */
export const SCORE_FAILED_QUEUE = "score-study-failed";
export const WEBHOOK_QUEUE = "critical-webhook";
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

export async function startQueue(databaseUrl: string, options: { maintenanceSeconds: number }): Promise<PgBoss> {
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
  // createQueue does nothing when the queue exists; the dead-letter queue must exist first.
  await boss.createQueue(SCORE_FAILED_QUEUE);
  await boss.createQueue(SCORE_QUEUE, { name: SCORE_QUEUE, deadLetter: SCORE_FAILED_QUEUE });
  await boss.createQueue(WEBHOOK_QUEUE);
  return boss;
}

import PgBoss from "pg-boss";
import { env } from "../env";
import { repeatedFailureLog } from "../repeated-failure-log";
import {
  QUEUE_SCHEMA,
  SCORE_FAILED_QUEUE,
  SCORE_QUEUE,
  SHADOW_SCORE_QUEUE,
  SOURCE_SWEEP_QUEUE,
  WEBHOOK_QUEUE,
  RESULT_SR_QUEUE,
  VALIDATION_QUEUE,
  DRIFT_CHECK_QUEUE,
  DRIFT_WEBHOOK_QUEUE,
  resultSrJobId,
  scoreJobId,
  type ScoreJobData,
} from "../core/queues";

/**
 * How each pg-boss queue runs: retries, backoff, singletons, expiry. The names and payloads
 * are in core/queues.ts; the loops and listeners that feed the queues are listed in index.ts.
 */

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

/** An SR the PACS refused or could not take: retried with backoff (5 s doubling, about 3 h in all), once per result. */
export function resultSrJobOptions(aiResultId: string): PgBoss.SendOptions {
  return { id: resultSrJobId(aiResultId), retryLimit: 12, retryDelay: 5, retryBackoff: true };
}

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

/**
 * A slice (about a minute) of a local validation. Singleton per run (stately, like sweeps);
 * a worker killed mid-slice holds it for five minutes, then the rows it had not stored are scored again.
 */
export function validationJobOptions(validationId: string): PgBoss.SendOptions {
  return { singletonKey: validationId, retryLimit: 3, retryDelay: 10, expireInSeconds: 5 * 60 };
}

/** The queues and their queue-level rules; created (if missing) by every worker at start. */
const QUEUES: PgBoss.Queue[] = [
  // The dead-letter queue must exist before the queue that names it.
  { name: SCORE_FAILED_QUEUE },
  { name: SCORE_QUEUE, deadLetter: SCORE_FAILED_QUEUE },
  { name: SHADOW_SCORE_QUEUE, deadLetter: SCORE_FAILED_QUEUE },
  { name: WEBHOOK_QUEUE },
  { name: SOURCE_SWEEP_QUEUE, policy: "stately" },
  { name: RESULT_SR_QUEUE },
  { name: VALIDATION_QUEUE, policy: "stately" },
  // One check at a time, however many workers the schedule wakes.
  { name: DRIFT_CHECK_QUEUE, policy: "singleton" },
  { name: DRIFT_WEBHOOK_QUEUE },
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
  // pg-boss reports its own loops' errors here, each tick while the database is away.
  const failures = repeatedFailureLog("job queue");
  boss.on("error", (error) => failures.failed(error));
  await boss.start();
  // createQueue does nothing when the queue exists.
  for (const queue of QUEUES) await boss.createQueue(queue.name, queue);
  return boss;
}

import type { Db } from "../db/client";
import { QUEUE_SCHEMA, SCORE_FAILED_QUEUE, SCORE_QUEUE, WEBHOOK_QUEUE, type WebhookJobData } from "../core/queues";
import { env } from "../env";
import { workerPresence } from "./worker-presence";

export type QueueCounts = {
  created: number;
  retry: number;
  active: number;
  completed: number;
  failed: number;
  cancelled: number;
};
const EMPTY: QueueCounts = { created: 0, retry: 0, active: 0, completed: 0, failed: 0, cancelled: 0 };

const queueTableExists = async (db: Db) =>
  Boolean((await db.$queryRaw<{ t: string | null }[]>`SELECT to_regclass(${`${QUEUE_SCHEMA}.job`})::text AS t`)[0]?.t);

/** Jobs of one queue by state (pg-boss's table); zeros before any worker has created the queues. */
export async function queueCounts(db: Db, queue: string = SCORE_QUEUE): Promise<QueueCounts> {
  if (!(await queueTableExists(db))) return { ...EMPTY };
  const rows = await db.$queryRawUnsafe<{ state: keyof QueueCounts; n: bigint }[]>(
    `SELECT state::text AS state, count(*) AS n FROM ${QUEUE_SCHEMA}.job WHERE name = $1 GROUP BY state`,
    queue,
  );
  const counts = { ...EMPTY };
  for (const r of rows) counts[r.state] = Number(r.n);
  return counts;
}

/**
 * The critical-finding webhook as admins need to see it: where it goes (host only, never
 * the secret), deliveries by state, and the latest that are retrying or gave up, with the
 * receiver's answer and the study they were about.
 */
export async function webhookStatus(db: Db, url = env().CRITICAL_WEBHOOK_URL) {
  const queue = await queueCounts(db, WEBHOOK_QUEUE);
  const anyJobs = Object.values(queue).some((n) => n > 0);
  const jobs = anyJobs
    ? await db.$queryRawUnsafe<
        { id: string; state: string; retryCount: number; createdOn: Date; data: WebhookJobData; error: string | null }[]
      >(
        `SELECT id::text, state::text, retry_count AS "retryCount", created_on AS "createdOn", data, output->>'message' AS error
         FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state IN ('retry', 'failed') ORDER BY created_on DESC LIMIT 10`,
        WEBHOOK_QUEUE,
      )
    : [];
  const results =
    jobs.length === 0
      ? []
      : await db.aiResult.findMany({
          where: { id: { in: jobs.map((j) => j.data.aiResultId) } },
          select: { id: true, study: { select: { id: true, accessionNumber: true } } },
        });
  const byId = new Map(results.map((r) => [r.id, r]));
  return {
    configured: Boolean(url),
    target: url ? new URL(url).host : null,
    queue,
    problems: jobs.map((j) => ({
      id: j.id,
      state: j.state,
      retries: j.retryCount,
      at: j.createdOn,
      error: j.error ?? "no answer recorded",
      accessionNumber: byId.get(j.data.aiResultId)?.study.accessionNumber ?? null,
      studyId: byId.get(j.data.aiResultId)?.study.id ?? null,
    })),
  };
}

/** How long studies waited from arrival to their AI verdict, over the last hour. */
export async function arrivalToScored(db: Db) {
  const [row] = await db.$queryRaw<{ n: bigint; p50: number | null; p95: number | null }[]>`
    SELECT count(*) AS n,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "scoredAt" - "firstSeenAt")) AS p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM "scoredAt" - "firstSeenAt")) AS p95
    FROM "Study" WHERE "scoredAt" > now() - interval '1 hour' AND "aiStatus" IN ('critical', 'urgent', 'negative', 'unavailable')`;
  return { studies: Number(row?.n ?? 0), p50Seconds: row?.p50 ?? null, p95Seconds: row?.p95 ?? null };
}

/** The admin's view of scoring: worker processes, queue, waiting studies, recent failures, lag. */
export async function scoringStatus(db: Db) {
  const [queue, waiting, failures, lag, webhook, workers] = await Promise.all([
    queueCounts(db, SCORE_QUEUE),
    db.study.count({ where: { readingState: { in: ["UNREAD", "CLAIMED"] }, aiStatus: null } }),
    db.aiResult.findMany({
      where: { status: "FAILED" },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: {
        id: true,
        createdAt: true,
        modelId: true,
        modelVersion: true,
        reason: true,
        study: { select: { id: true, accessionNumber: true, description: true } },
      },
    }),
    arrivalToScored(db),
    webhookStatus(db),
    workerPresence(db),
  ]);
  return {
    queue,
    studiesAwaitingAi: waiting,
    recentFailures: failures,
    lag,
    deadLetterQueue: SCORE_FAILED_QUEUE,
    webhook,
    workers,
  };
}

/** Totals for Prometheus: results by model and status, and scoring time sums for rates (kept by storeAiResult). */
export async function scoringTotals(db: Db) {
  return db.aiResultTotal.findMany({ orderBy: [{ modelId: "asc" }, { modelVersion: "asc" }, { status: "asc" }] });
}

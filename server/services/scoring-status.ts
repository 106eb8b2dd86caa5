import type { Db } from "../db/client";
import { QUEUE_SCHEMA, SCORE_FAILED_QUEUE, SCORE_QUEUE } from "../scoring/queue";

export type QueueCounts = { created: number; retry: number; active: number; completed: number; failed: number; cancelled: number };
const EMPTY: QueueCounts = { created: 0, retry: 0, active: 0, completed: 0, failed: 0, cancelled: 0 };

/** Score jobs by state (pg-boss's table); zeros before any worker has created the queue. */
export async function scoreQueueCounts(db: Db): Promise<QueueCounts> {
  const exists = await db.$queryRaw<{ t: string | null }[]>`SELECT to_regclass(${`${QUEUE_SCHEMA}.job`})::text AS t`;
  if (!exists[0]?.t) return { ...EMPTY };
  const rows = await db.$queryRawUnsafe<{ state: keyof QueueCounts; n: bigint }[]>(
    `SELECT state::text AS state, count(*) AS n FROM ${QUEUE_SCHEMA}.job WHERE name = $1 GROUP BY state`, SCORE_QUEUE);
  const counts = { ...EMPTY };
  for (const r of rows) counts[r.state] = Number(r.n);
  return counts;
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

/** The admin's view of scoring: queue, waiting studies, recent failures, lag. */
export async function scoringStatus(db: Db) {
  const [queue, waiting, failures, lag] = await Promise.all([
    scoreQueueCounts(db),
    db.study.count({ where: { readingState: { not: "READ" }, aiStatus: null } }),
    db.aiResult.findMany({
      where: { status: "FAILED" }, orderBy: { createdAt: "desc" }, take: 20,
      select: { id: true, createdAt: true, modelId: true, modelVersion: true, reason: true, study: { select: { id: true, accessionNumber: true, description: true } } },
    }),
    arrivalToScored(db),
  ]);
  return { queue, studiesAwaitingAi: waiting, recentFailures: failures, lag, deadLetterQueue: SCORE_FAILED_QUEUE };
}

/** Totals for Prometheus: results by model and status, and scoring time sums for rates. */
export async function scoringTotals(db: Db) {
  return db.$queryRaw<{ modelId: string; modelVersion: string; status: string; n: bigint; totalMs: number | null; fetchMs: number | null; decodeMs: number | null; inferenceMs: number | null }[]>`
    SELECT "modelId", "modelVersion", status::text AS status, count(*) AS n,
      sum((timings->>'totalMs')::float) AS "totalMs", sum((timings->>'fetchMs')::float) AS "fetchMs",
      sum((timings->>'decodeMs')::float) AS "decodeMs", sum((timings->>'inferenceMs')::float) AS "inferenceMs"
    FROM "AiResult" GROUP BY 1, 2, 3`;
}


import type PgBoss from "pg-boss";
import type { Db } from "../db/client";
import { log } from "../log";
import { syncSource } from "../ingest/sync-source";
import { QUEUE_SCHEMA, SOURCE_SWEEP_QUEUE, type SourceSweepJobData } from "../core/queues";
import { sourceSweepOptions } from "./queue";
import { recordSourceFailure } from "../ingest/source-status";
import { ALIVE_WITHIN_MS } from "../ops/worker-presence";

/** Queues a sweep of the source; pg-boss drops it when one is already waiting (singleton per source). */
export async function queueSourceSweep(boss: PgBoss, sourceId: string): Promise<boolean> {
  const id = await boss.send(
    SOURCE_SWEEP_QUEUE,
    { sourceId } satisfies SourceSweepJobData,
    sourceSweepOptions(sourceId),
  );
  return id !== null;
}

/**
 * Runs sweep jobs in this worker, one at a time. A failing sweep has already recorded its error on
 * the source (sync-source.ts); throwing hands the retry and its backoff to pg-boss. With `workerId`
 * (this process's heartbeat), the source records who runs its sweep, so failOrphanedSweeps can tell.
 */
export async function workSourceSweeps(db: Db, boss: PgBoss, workerId?: string): Promise<void> {
  await boss.work<SourceSweepJobData>(
    SOURCE_SWEEP_QUEUE,
    { batchSize: 1, pollingIntervalSeconds: 1 },
    async ([job]) => {
      if (!job) return;
      // First of all, so failOrphanedSweeps can tell who runs it.
      if (workerId)
        await db.pacsSource.updateMany({
          where: { id: job.data.sourceId },
          data: { sweepJobId: job.id, sweepWorkerId: workerId },
        });
      const source = await db.pacsSource.findUnique({
        where: { id: job.data.sourceId },
        select: { name: true, enabled: true },
      });
      if (!source?.enabled) return; // deleted or switched off since it was queued
      try {
        const result = await syncSource(db, job.data.sourceId);
        if (result.created || result.updated)
          log.info({ source: source.name, ...result, skipped: result.skipped.length }, "sync");
      } catch (error) {
        log.warn({ source: source.name, err: (error as Error).message }, "sync failed; the queue will retry");
        throw error;
      }
    },
  );
}

/** A sweep job running this long without having recorded its worker is taken as orphaned. */
const UNRECORDED_SWEEP_MS = 60_000;

/**
 * Fails the sweep of each source whose worker has sent no heartbeat for ALIVE_WITHIN_MS (killed with
 * -9, its machine gone): pg-boss would hold the job until its 30-min expiry, and a PACS without a
 * change feed would get nothing new meanwhile. Also a sweep job active for a minute that never
 * recorded its worker (one killed between pg-boss's fetch and the sweep's first write). Failed, the
 * job is retried with the queue's backoff by a live worker. One worker takes each orphan (each
 * claim is a conditional update). Returns their sources.
 */
export async function failOrphanedSweeps(db: Db, boss: PgBoss, now = new Date()): Promise<string[]> {
  const cutoff = new Date(now.getTime() - ALIVE_WITHIN_MS);
  // Recorded runners whose worker went quiet: clearing the worker id is the claim.
  const silent = await db.$queryRaw<{ id: string; jobId: string }[]>`
    WITH orphan AS (
      SELECT s.id, s."sweepJobId" FROM "PacsSource" s
       WHERE s."sweepJobId" IS NOT NULL AND s."sweepWorkerId" IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM "WorkerHeartbeat" w WHERE w.id = s."sweepWorkerId" AND w."lastSeenAt" > ${cutoff})
       FOR UPDATE SKIP LOCKED
    )
    UPDATE "PacsSource" p SET "sweepWorkerId" = NULL
      FROM orphan o WHERE p.id = o.id
    RETURNING p.id, o."sweepJobId" AS "jobId"`;
  // Active jobs no runner ever recorded (the source names another job): writing the job's id is the claim.
  const unrecorded = await db.$queryRawUnsafe<{ id: string; jobId: string }[]>(
    `WITH stuck AS (
       SELECT j.id::text AS job_id, j.singleton_key AS source_id FROM ${QUEUE_SCHEMA}.job j
        WHERE j.name = $1 AND j.state = 'active' AND j.started_on < $2
     )
     UPDATE "PacsSource" p SET "sweepJobId" = stuck.job_id FROM stuck
      WHERE p.id = stuck.source_id AND p."sweepJobId" IS DISTINCT FROM stuck.job_id
     RETURNING p.id, stuck.job_id AS "jobId"`,
    SOURCE_SWEEP_QUEUE,
    new Date(now.getTime() - UNRECORDED_SWEEP_MS),
  );
  for (const orphan of [...silent, ...unrecorded]) {
    const why = "the worker running this sweep stopped (no heartbeat for 30 s); it is retried";
    await boss.fail(SOURCE_SWEEP_QUEUE, orphan.jobId, { message: why });
    await recordSourceFailure(db, orphan.id, new Error(why), now);
    log.warn({ sourceId: orphan.id, jobId: orphan.jobId }, "sweep of a stopped worker failed, to be retried");
  }
  return [...silent, ...unrecorded].map((o) => o.id);
}

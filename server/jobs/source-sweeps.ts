import type PgBoss from "pg-boss";
import type { Db } from "../db/client";
import { log } from "../log";
import { syncSource } from "../ingest/sync-source";
import { SOURCE_SWEEP_QUEUE, type SourceSweepJobData } from "../core/queues";
import { sourceSweepOptions } from "./queue";

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
 * the source (sync-source.ts); throwing hands the retry and its backoff to pg-boss.
 */
export async function workSourceSweeps(db: Db, boss: PgBoss): Promise<void> {
  await boss.work<SourceSweepJobData>(
    SOURCE_SWEEP_QUEUE,
    { batchSize: 1, pollingIntervalSeconds: 1 },
    async ([job]) => {
      if (!job) return;
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

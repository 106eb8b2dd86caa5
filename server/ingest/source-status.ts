import type { Db, Prisma } from "../db/client";

// A source's sync status, as the admin page shows it. Who sweeps when, and retries, are the
// job queue's business (server/jobs): these columns only report.

/** What the admin page's progress bar shows. */
export type SyncProgress = {
  phase: "listing" | "storing" | "done";
  pagesDone: number;
  studiesDone: number;
  studiesTotal: number;
  created?: number;
  updated?: number;
  unchanged?: number;
};

const asJson = (p: SyncProgress) => p as unknown as Prisma.InputJsonObject;

/** When the running sweep started, for the admin page. (Who runs it is recorded by the sweep job's handler.) */
export async function recordSyncStarted(db: Db, sourceId: string, at: Date): Promise<void> {
  const progress: SyncProgress = { phase: "listing", pagesDone: 0, studiesDone: 0, studiesTotal: 0 };
  await db.pacsSource.update({
    where: { id: sourceId },
    data: {
      syncStartedAt: at,
      syncProgress: asJson(progress),
    },
  });
}

export async function recordSyncProgress(db: Db, sourceId: string, progress: SyncProgress): Promise<void> {
  await db.pacsSource.update({ where: { id: sourceId }, data: { syncProgress: asJson(progress) } });
}

/**
 * A "Sync now" pressed while this sweep ran asked for newer data than the sweep may have seen: it
 * stays requested (source-watch queues the next sweep); one pressed before the sweep started is served.
 */
async function clearServedSyncRequest(db: Db, sourceId: string): Promise<void> {
  await db.$executeRaw`
    UPDATE "PacsSource" SET "syncRequestedAt" = CASE WHEN "syncRequestedAt" > "syncStartedAt" THEN "syncRequestedAt" END
     WHERE id = ${sourceId}`;
}

export async function recordSourceSuccess(
  db: Db,
  sourceId: string,
  at: Date,
  deep: boolean,
  progress?: SyncProgress,
): Promise<void> {
  await clearServedSyncRequest(db, sourceId);
  await db.pacsSource.update({
    where: { id: sourceId },
    data: {
      lastSuccessAt: at,
      ...(deep ? { lastDeepSweepAt: at } : {}),
      lastError: null,
      consecutiveFailures: 0,
      syncStartedAt: null,
      sweepWorkerId: null,
      ...(progress ? { syncProgress: asJson(progress) } : {}),
    },
  });
}

export async function recordSourceFailure(db: Db, sourceId: string, error: Error, now = new Date()): Promise<void> {
  const source = await db.pacsSource.findUnique({ where: { id: sourceId }, select: { consecutiveFailures: true } });
  const failures = (source?.consecutiveFailures ?? 0) + 1;
  await clearServedSyncRequest(db, sourceId);
  await db.pacsSource.update({
    where: { id: sourceId },
    data: {
      lastErrorAt: now,
      lastError: error.message.slice(0, 1000),
      consecutiveFailures: failures,
      syncStartedAt: null,
      sweepWorkerId: null,
    },
  });
}

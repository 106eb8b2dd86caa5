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

/** When the running sweep started, for the admin page. */
export async function recordSyncStarted(db: Db, sourceId: string, at: Date): Promise<void> {
  const progress: SyncProgress = { phase: "listing", pagesDone: 0, studiesDone: 0, studiesTotal: 0 };
  await db.pacsSource.update({ where: { id: sourceId }, data: { syncStartedAt: at, syncProgress: asJson(progress) } });
}

export async function recordSyncProgress(db: Db, sourceId: string, progress: SyncProgress): Promise<void> {
  await db.pacsSource.update({ where: { id: sourceId }, data: { syncProgress: asJson(progress) } });
}

export async function recordSourceSuccess(db: Db, sourceId: string, at: Date, progress?: SyncProgress): Promise<void> {
  await db.pacsSource.update({
    where: { id: sourceId },
    data: {
      lastSuccessAt: at,
      lastError: null,
      consecutiveFailures: 0,
      syncStartedAt: null,
      syncRequestedAt: null,
      ...(progress ? { syncProgress: asJson(progress) } : {}),
    },
  });
}

export async function recordSourceFailure(db: Db, sourceId: string, error: Error, now = new Date()): Promise<void> {
  const source = await db.pacsSource.findUnique({ where: { id: sourceId }, select: { consecutiveFailures: true } });
  const failures = (source?.consecutiveFailures ?? 0) + 1;
  await db.pacsSource.update({
    where: { id: sourceId },
    data: {
      lastErrorAt: now,
      lastError: error.message.slice(0, 1000),
      consecutiveFailures: failures,
      syncStartedAt: null,
      syncRequestedAt: null,
    },
  });
}

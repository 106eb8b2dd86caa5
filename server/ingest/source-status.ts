import type { Db, Prisma } from "../db/client";
import { backoffDelayMs } from "@/lib/ingest/backoff";

/** How old a sync lease's heartbeat may be before another worker may take the source over. */
export const SYNC_LEASE_MS = 2 * 60_000;

/** Takes the source's sync lease, unless another worker holds a live one. */
export async function claimSyncLease(db: Db, sourceId: string, now = new Date()): Promise<boolean> {
  const { count } = await db.pacsSource.updateMany({
    where: {
      id: sourceId,
      OR: [{ syncStartedAt: null }, { syncStartedAt: { lt: new Date(now.getTime() - SYNC_LEASE_MS) } }],
    },
    data: { syncStartedAt: now },
  });
  return count === 1;
}

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

export async function recordSyncProgress(db: Db, sourceId: string, progress: SyncProgress): Promise<void> {
  // Each progress write also renews the lease.
  await db.pacsSource.update({
    where: { id: sourceId },
    data: { syncProgress: asJson(progress), syncStartedAt: new Date() },
  });
}

export async function recordSourceSuccess(db: Db, sourceId: string, at: Date, progress?: SyncProgress): Promise<void> {
  await db.pacsSource.update({
    where: { id: sourceId },
    data: {
      lastSuccessAt: at,
      lastError: null,
      consecutiveFailures: 0,
      nextAttemptAt: null,
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
      nextAttemptAt: new Date(now.getTime() + backoffDelayMs(failures, Math.random)),
      syncStartedAt: null,
      syncRequestedAt: null,
    },
  });
}

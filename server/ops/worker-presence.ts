import type { Db } from "../db/client";

/** A worker writes its heartbeat this often; one not heard from for ALIVE_WITHIN_MS counts as gone. */
export const HEARTBEAT_EVERY_MS = 5_000;
export const ALIVE_WITHIN_MS = 30_000;
/** Rows of workers that died without removing them are pruned after this long. */
export const STALE_WORKER_ROWS_AFTER_MS = 24 * 3600_000;

/** The worker processes that reported in, which of them are alive, and when one was last heard from. */
export async function workerPresence(db: Db, now = new Date()) {
  const rows = await db.workerHeartbeat.findMany({ orderBy: { startedAt: "asc" } });
  const workers = rows.map((w) => ({ ...w, alive: now.getTime() - w.lastSeenAt.getTime() <= ALIVE_WITHIN_MS }));
  const lastSeenAt = rows.reduce<Date | null>(
    (latest, w) => (!latest || w.lastSeenAt > latest ? w.lastSeenAt : latest),
    null,
  );
  return { workers, alive: workers.filter((w) => w.alive).length, lastSeenAt };
}

/** What readers need: is AI scoring running, and if not, since when has no worker been heard from. */
export async function aiScoringOnline(db: Db, now = new Date()): Promise<{ online: boolean; lastSeenAt: Date | null }> {
  const latest = await db.workerHeartbeat.findFirst({ orderBy: { lastSeenAt: "desc" }, select: { lastSeenAt: true } });
  const lastSeenAt = latest?.lastSeenAt ?? null;
  return { online: lastSeenAt !== null && now.getTime() - lastSeenAt.getTime() <= ALIVE_WITHIN_MS, lastSeenAt };
}

import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "../db/client";
import { log } from "../log";
import { HEARTBEAT_EVERY_MS, STALE_WORKER_ROWS_AFTER_MS } from "../services/worker-presence";

/**
 * Reports this worker process in WorkerHeartbeat every few seconds and removes its row when
 * it stops. A worker killed outright leaves its row behind: it shows as last seen then, and
 * is pruned by the next worker after a day.
 */
export async function startWorkerHeartbeat(db: Db, info: { concurrency: number; models: string[] }): Promise<{ stop(): Promise<void> }> {
  const id = randomUUID();
  const now = new Date();
  const row = () => ({ id, hostname: hostname(), pid: process.pid, startedAt: now, lastSeenAt: new Date(), ...info });
  await db.workerHeartbeat.create({ data: row() });
  await db.workerHeartbeat.deleteMany({ where: { lastSeenAt: { lt: new Date(now.getTime() - STALE_WORKER_ROWS_AFTER_MS) } } });
  const beat = async () => {
    // Recreated if someone removed it (a pruning worker whose clock runs ahead, a database restore).
    await db.workerHeartbeat.upsert({
      where: { id }, update: { lastSeenAt: new Date() }, create: row(),
    });
  };
  const timer = setInterval(() => void beat().catch((e: Error) => log.warn({ err: e.message }, "worker heartbeat failed")), HEARTBEAT_EVERY_MS);
  return {
    async stop() {
      clearInterval(timer);
      await db.workerHeartbeat.deleteMany({ where: { id } });
    },
  };
}

import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "../db/client";
import { repeatedFailureLog } from "../repeated-failure-log";
import { HEARTBEAT_EVERY_MS, STALE_WORKER_ROWS_AFTER_MS } from "../ops/worker-presence";

/** Whether a process with this pid runs on this machine (EPERM: it does, as another user). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Reports this worker process in WorkerHeartbeat every few seconds and removes its row when
 * it stops. A worker killed outright leaves its row behind, shown as last seen then. The
 * worker that replaces it on the same machine (npm start restarts one that exits) removes
 * the rows of this machine's processes that no longer run; a dead worker on another machine
 * stays visible until any worker prunes it after a day.
 */
export async function startWorkerHeartbeat(
  db: Db,
  info: { concurrency: number; models: string[] },
): Promise<{ id: string; stop(): Promise<void> }> {
  const id = randomUUID();
  const now = new Date();
  const host = hostname();
  const row = () => ({ id, hostname: host, pid: process.pid, startedAt: now, lastSeenAt: new Date(), ...info });
  await db.workerHeartbeat.create({ data: row() });
  const sameHost = await db.workerHeartbeat.findMany({
    where: { hostname: host, id: { not: id } },
    select: { id: true, pid: true },
  });
  const gone = sameHost.filter((w) => !processRuns(w.pid)).map((w) => w.id);
  await db.workerHeartbeat.deleteMany({
    where: { OR: [{ id: { in: gone } }, { lastSeenAt: { lt: new Date(now.getTime() - STALE_WORKER_ROWS_AFTER_MS) } }] },
  });
  const beat = async () => {
    // Recreated if someone removed it (a pruning worker whose clock runs ahead, a database restore).
    await db.workerHeartbeat.upsert({
      where: { id },
      update: { lastSeenAt: new Date() },
      create: row(),
    });
  };
  const failures = repeatedFailureLog("worker heartbeat");
  const timer = setInterval(
    () =>
      void beat().then(
        () => failures.succeeded(),
        (e: unknown) => failures.failed(e),
      ),
    HEARTBEAT_EVERY_MS,
  );
  return {
    id,
    async stop() {
      clearInterval(timer);
      await db.workerHeartbeat.deleteMany({ where: { id } });
    },
  };
}

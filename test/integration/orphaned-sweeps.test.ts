// A sweep whose worker died (no heartbeat for 30 s) is failed and so retried at once, not held
// until its 30-min expiry; a sweep whose worker is alive is left alone. Real pg-boss on Postgres.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { env } from "@/server/env";
import { startJobQueue, sourceSweepOptions } from "@/server/jobs/queue";
import { failOrphanedSweeps } from "@/server/jobs/source-sweeps";
import { SOURCE_SWEEP_QUEUE } from "@/server/core/queues";
import { makeOfflineSource, resetDatabase, testDb } from "../support/db";

let boss: PgBoss;
beforeAll(async () => {
  boss = await startJobQueue(env().DATABASE_URL!, { maintenanceSeconds: 3600 });
});
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
});
beforeEach(async () => {
  await resetDatabase();
  await testDb().$executeRawUnsafe(`DELETE FROM pgboss.job`);
});

/** A source whose sweep job is running (fetched) on worker `workerId`, last heard from `secondsAgo`. */
async function runningSweep(workerId: string, secondsAgo: number, now: Date) {
  const sourceId = await makeOfflineSource();
  await boss.send(SOURCE_SWEEP_QUEUE, { sourceId }, sourceSweepOptions(sourceId));
  const [job] = await boss.fetch(SOURCE_SWEEP_QUEUE);
  expect(job!.data).toEqual({ sourceId });
  await testDb().workerHeartbeat.create({
    data: {
      id: workerId,
      hostname: "reader-ws-1",
      pid: 4242,
      startedAt: new Date(now.getTime() - 3600_000),
      lastSeenAt: new Date(now.getTime() - secondsAgo * 1000),
      concurrency: 2,
      models: [],
    },
  });
  await testDb().pacsSource.update({
    where: { id: sourceId },
    data: { syncStartedAt: now, sweepJobId: job!.id, sweepWorkerId: workerId },
  });
  return { sourceId, jobId: job!.id };
}

const jobState = async (id: string) =>
  (
    await testDb().$queryRawUnsafe<{ state: string; retry_count: number }[]>(
      `SELECT state::text, retry_count FROM pgboss.job WHERE id = $1`,
      id,
    )
  )[0];

describe("failOrphanedSweeps", () => {
  it("fails the sweep of a worker silent for over 30 s, once; leaves a live worker's sweep running", async () => {
    const now = new Date();
    const dead = await runningSweep("worker-killed", 31, now);
    const alive = await runningSweep("worker-alive", 4, now);

    expect(await failOrphanedSweeps(testDb(), boss, now)).toEqual([dead.sourceId]);
    // pg-boss retries it with the queue's backoff: state "retry" (its retry_count grows when fetched again).
    expect(await jobState(dead.jobId)).toEqual({ state: "retry", retry_count: 0 });
    expect(await jobState(alive.jobId)).toEqual({ state: "active", retry_count: 0 });
    const source = await testDb().pacsSource.findUniqueOrThrow({ where: { id: dead.sourceId } });
    expect(source).toMatchObject({
      sweepJobId: dead.jobId, // the last sweep that recorded its worker
      sweepWorkerId: null,
      syncStartedAt: null,
      consecutiveFailures: 1,
      lastError: "the worker running this sweep stopped (no heartbeat for 30 s); it is retried",
      lastErrorAt: now,
    });

    // A second look (any worker's next tick) changes nothing: the retry is not failed again.
    expect(await failOrphanedSweeps(testDb(), boss, now)).toEqual([]);
    expect(await jobState(dead.jobId)).toEqual({ state: "retry", retry_count: 0 });
    expect((await testDb().pacsSource.findUniqueOrThrow({ where: { id: dead.sourceId } })).consecutiveFailures).toBe(1);

    // A worker whose row is gone altogether (pruned) counts as stopped too.
    await testDb().workerHeartbeat.delete({ where: { id: "worker-alive" } });
    expect(await failOrphanedSweeps(testDb(), boss, now)).toEqual([alive.sourceId]);
  });

  it("fails a sweep active for a minute that never recorded its worker (killed right after pg-boss's fetch)", async () => {
    const now = new Date();
    const sourceId = await makeOfflineSource();
    await boss.send(SOURCE_SWEEP_QUEUE, { sourceId }, sourceSweepOptions(sourceId));
    const [job] = await boss.fetch(SOURCE_SWEEP_QUEUE);
    await testDb().$executeRawUnsafe(
      `UPDATE pgboss.job SET started_on = $2 WHERE id = $1::uuid`,
      job!.id,
      new Date(now.getTime() - 59_000),
    );
    // 59 s: it may still be about to record its worker.
    expect(await failOrphanedSweeps(testDb(), boss, now)).toEqual([]);
    await testDb().$executeRawUnsafe(
      `UPDATE pgboss.job SET started_on = $2 WHERE id = $1::uuid`,
      job!.id,
      new Date(now.getTime() - 61_000),
    );
    expect(await failOrphanedSweeps(testDb(), boss, now)).toEqual([sourceId]);
    expect(await jobState(job!.id)).toEqual({ state: "retry", retry_count: 0 });
    expect(await failOrphanedSweeps(testDb(), boss, now)).toEqual([]);
  });
});

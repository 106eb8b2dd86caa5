import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { hostname } from "node:os";
import { aiScoringOnline, workerPresence, STALE_WORKER_ROWS_AFTER_MS } from "@/server/ops/worker-presence";
import { startWorkerHeartbeat } from "@/server/jobs/heartbeat";
import { buildMetricsRegistry } from "@/server/ops/prometheus-metrics";
import { resetDatabase, testDb } from "../support/db";
import { spawnWorker, type WorkerProcess } from "../support/worker-process";

const workers: WorkerProcess[] = [];
beforeEach(async () => {
  await resetDatabase();
  await testDb().workerHeartbeat.deleteMany();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

describe("who runs the workers", () => {
  it("a worker process reports itself with its models while it runs and removes itself when it stops", async () => {
    expect(await aiScoringOnline(testDb())).toEqual({ online: false, lastSeenAt: null });
    const worker = spawnWorker();
    workers.push(worker);
    await worker.waitForLog((l) => l.msg === "worker started", 60_000);

    const presence = await workerPresence(testDb());
    expect(presence.alive).toBe(1);
    expect(presence.workers[0]).toMatchObject({
      alive: true,
      pid: worker.process.pid,
      models: ["ich-headct 1.0.0", "ptx-cxr 1.0.0"],
    });
    expect((await aiScoringOnline(testDb())).online).toBe(true);
    expect(await buildMetricsRegistry(testDb()).metrics()).toMatch(/^readnext_workers_alive 1$/m);

    await workers.pop()!.stop();
    expect(await testDb().workerHeartbeat.count()).toBe(0);
    expect((await aiScoringOnline(testDb())).online).toBe(false);
    expect(await buildMetricsRegistry(testDb()).metrics()).toMatch(/^readnext_workers_alive 0$/m);
  }, 90_000);

  it("a worker killed outright shows as not heard from, with when it last was; rows older than a day are pruned", async () => {
    const now = Date.now();
    const row = (id: string, agoMs: number) => ({
      id,
      hostname: "ward-7",
      pid: 42,
      startedAt: new Date(now - agoMs - 60_000),
      lastSeenAt: new Date(now - agoMs),
      concurrency: 1,
      models: [],
    });
    await testDb().workerHeartbeat.createMany({
      data: [row("killed", 2 * 60_000), row("ancient", STALE_WORKER_ROWS_AFTER_MS + 60_000)],
    });

    const presence = await workerPresence(testDb(), new Date(now));
    expect(presence.alive).toBe(0);
    expect(presence.workers.map((w) => [w.id, w.alive])).toEqual([
      ["ancient", false],
      ["killed", false],
    ]);
    expect(presence.lastSeenAt).toEqual(new Date(now - 2 * 60_000));
    expect(await aiScoringOnline(testDb(), new Date(now))).toEqual({
      online: false,
      lastSeenAt: new Date(now - 2 * 60_000),
    });

    // A new worker prunes the day-old row, keeps the recent one, and is alive itself.
    const heartbeat = await startWorkerHeartbeat(testDb(), { concurrency: 2, models: ["ich-headct 1.0.0"] });
    try {
      expect(
        (await testDb().workerHeartbeat.findMany({ orderBy: { startedAt: "asc" } })).map((w) => w.id).slice(0, 1),
      ).toEqual(["killed"]);
      expect(await testDb().workerHeartbeat.count()).toBe(2);
      expect((await workerPresence(testDb())).alive).toBe(1);
    } finally {
      await heartbeat.stop();
    }
    expect((await testDb().workerHeartbeat.findMany()).map((w) => w.id)).toEqual(["killed"]);
  });

  it("a worker restarted on the same machine replaces the rows of that machine's processes that no longer run", async () => {
    const exited = spawn(process.execPath, ["-e", "0"]);
    await once(exited, "exit");
    const now = Date.now();
    const row = (id: string, host: string, pid: number) => ({
      id,
      hostname: host,
      pid,
      startedAt: new Date(now - 60_000),
      lastSeenAt: new Date(now - 3_000),
      concurrency: 1,
      models: [],
    });
    await testDb().workerHeartbeat.createMany({
      data: [
        row("killed here", hostname(), exited.pid!),
        row("running here", hostname(), process.pid),
        row("killed elsewhere", "ward-7", exited.pid!),
      ],
    });
    const heartbeat = await startWorkerHeartbeat(testDb(), { concurrency: 2, models: [] });
    try {
      const rows = await testDb().workerHeartbeat.findMany({
        where: { hostname: { not: hostname() } },
        select: { id: true },
      });
      expect(rows.map((r) => r.id)).toEqual(["killed elsewhere"]);
      // This machine: the process still running, and the new worker itself (this test process).
      const here = await testDb().workerHeartbeat.findMany({
        where: { hostname: hostname() },
        select: { id: true, pid: true },
        orderBy: { startedAt: "asc" },
      });
      expect(here.map((r) => [r.id === "running here" ? r.id : "new", r.pid])).toEqual([
        ["running here", process.pid],
        ["new", process.pid],
      ]);
    } finally {
      await heartbeat.stop();
    }
  });
});

// Reliability: Postgres restarted under load (arrivals, scoring, a reader claiming and marking read).
// The worker process recovers without a restart, every read acknowledged to the reader is still
// there, every study is scored once, and a LISTEN connection (what open worklists hang on) gets
// events again. A Postgres of its own (embedded, supervised as npm start runs it), a real Orthanc
// and a real worker process.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateStudy } from "@/lib/synthetic/studies";
import { NO_FILTERS } from "@/lib/worklist-filters";
import { createDb, type Db } from "@/server/db/client";
import { scratchDataDir, startEmbeddedPostgres } from "@/server/db/embedded-postgres";
import { listenToChannels } from "@/server/db/listen";
import { migrateDatabase } from "@/server/db/migrate";
import { WORKLIST_CHANNEL } from "@/server/core/worklist-events";
import { checkHealth } from "@/server/ops/health";
import { DicomWebAdapter } from "@/server/pacs/dicomweb-adapter";
import { configForUrl } from "@/server/pacs/source-config";
import { createSource } from "@/server/pacs/pacs-sources";
import { createUser } from "@/server/users/users";
import { claimNextCase, markRead } from "@/server/worklist/claims";
import { startTestOrthanc } from "../support/orthanc";
import { freePort } from "../support/test-database";
import { orthancSource } from "../support/db";
import { spawnWorker } from "../support/worker-process";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
});

let seed = 97_000;
async function arrive(url: string, count: number) {
  const adapter = new DicomWebAdapter(configForUrl(url, { timeoutMs: 30_000 }));
  for (let i = 0; i < count; i++)
    await adapter.storeInstances(
      generateStudy({
        seed: seed++,
        kind: "chest-xr",
        size: 256,
        studyDateTime: new Date(),
        priority: "ROUTINE",
        location: "ED",
      }).instances,
    );
}

const count = async (db: Db, sql: string) => Number((await db.$queryRawUnsafe<{ n: bigint }[]>(sql))[0]!.n);

describe("reliability: Postgres restarted under load", () => {
  it("workers recover by themselves, acknowledged reads and results survive, live events resume", async () => {
    const lines: string[] = [];
    const pg = await startEmbeddedPostgres({
      dataDir: scratchDataDir("pg-restart"),
      port: await freePort(),
      database: "restart",
      persistent: false,
      supervise: true,
      log: (l) => lines.push(l),
    });
    cleanups.push(pg.stop);
    await migrateDatabase(pg.url);
    const db = createDb(pg.url, 4);
    cleanups.push(() => db.$disconnect());
    const pacs = await startTestOrthanc();
    cleanups.push(() => pacs.stop());
    await createSource(db, null, orthancSource("Restart PACS", pacs.dicomWebUrl));
    const reader = await createUser(db, null, {
      name: "Dr Restart",
      email: "restart@test.local",
      password: "correct-horse-battery",
      roles: ["radiologist"],
    });

    const worker = spawnWorker({
      DATABASE_URL: pg.url,
      SCORING_RETRY_LIMIT: "5",
      SCORING_RETRY_DELAY_SECONDS: "1",
      QUEUE_MAINTENANCE_SECONDS: "1",
      SCORING_JOB_TIMEOUT_SECONDS: "10",
      SCORING_THREADS: "1",
    });
    cleanups.push(() => worker.stop());
    await worker.waitForLog((l) => l.msg === "scoring started", 60_000);

    // What an open worklist hangs on: a LISTEN connection, counting events and (re)subscriptions.
    const events: number[] = [];
    let subscriptions = 0;
    const listener = listenToChannels(
      pg.url,
      [WORKLIST_CHANNEL],
      () => events.push(Date.now()),
      "test",
      () => {
        subscriptions += 1;
      },
    );
    cleanups.push(() => listener.stop());

    // A reader takes and reads cases; a read counts once markRead has returned.
    const acknowledged: string[] = [];
    let readerErrors = 0;
    const startReading = () => {
      let reading = true;
      const loop = (async () => {
        while (reading) {
          try {
            const next = await claimNextCase(db, reader, NO_FILTERS);
            if ("studyId" in next) {
              await markRead(db, reader, next.studyId);
              acknowledged.push(next.studyId);
            }
          } catch {
            readerErrors += 1;
          }
          await new Promise((r) => setTimeout(r, 150));
        }
      })();
      return async () => {
        reading = false;
        await loop;
      };
    };
    const progress = async () => {
      const jobs = await db.$queryRawUnsafe<{ state: string; n: bigint }[]>(
        `SELECT state::text, count(*) AS n FROM pgboss.job WHERE name = 'score-study' GROUP BY 1 ORDER BY 1`,
      );
      const scored = await count(db, `SELECT count(*) AS n FROM "Study" WHERE "aiStatus" IS NOT NULL`);
      return `scored ${scored} of ${await db.study.count()}; jobs ${jobs.map((j) => `${j.state} ${j.n}`).join(", ")}; read ${acknowledged.length}`;
    };

    // Before and through the restart: studies arrive, are scored, and the reader reads.
    let stopReading = startReading();
    await arrive(pacs.dicomWebUrl, 10);
    await expect.poll(() => db.study.count(), { timeout: 30_000, interval: 250 }).toBe(10);

    // A restart: fast shutdown of the postmaster (SIGINT), then npm start's supervisor starts it again.
    const postmaster = Number(readFileSync(path.join(pg.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    const restartedAt = Date.now();
    process.kill(postmaster, "SIGINT");
    await expect.poll(() => lines.includes("The embedded Postgres is running again."), { timeout: 60_000 }).toBe(true);
    await stopReading();

    // After it: ten more arrive, and the same worker, never restarted, scores every one. (A study
    // read before its turn is not scored: nobody needs its triage.)
    await arrive(pacs.dicomWebUrl, 10);
    const waiting = async () =>
      `${await count(db, `SELECT count(*) AS n FROM "Study" WHERE "aiStatus" IS NULL AND "readingState" <> 'READ'`)} unread without a verdict; ${await progress()}`;
    try {
      await expect
        .poll(waiting, { timeout: 120_000, interval: 500 })
        .toMatch(/^0 unread without a verdict; scored \d+ of 20;/);
    } catch (error) {
      // The worker's own account of what it did after the restart, and its stderr if it died.
      await worker.waitForLog(() => false, 1).catch((e: Error) => console.log(e.message));
      console.log(
        worker.logs
          .filter((l) => l.msg !== "score job done")
          .slice(-40)
          .map((l) => JSON.stringify(l).slice(0, 300))
          .join("\n"),
      );
      throw error;
    }
    const readBeforeRestartEnded = acknowledged.length;
    stopReading = startReading();
    await expect.poll(() => acknowledged.length, { timeout: 60_000, interval: 250 }).toBe(20);
    await stopReading();

    // The same worker process, never restarted, did the work after the restart too.
    expect(worker.process.exitCode).toBeNull();
    expect(worker.process.signalCode).toBeNull();
    // One result per scored study, and every study read after the restart was scored first.
    const scored = await count(db, `SELECT count(*) AS n FROM "Study" WHERE "aiStatus" IS NOT NULL`);
    expect(scored).toBeGreaterThanOrEqual(20 - readBeforeRestartEnded);
    expect(await count(db, `SELECT count(*) AS n FROM "AiResult"`)).toBe(scored);
    expect(await count(db, `SELECT count(DISTINCT "studyId") AS n FROM "AiResult"`)).toBe(scored);
    // Every acknowledged read is there, once, with its audit event.
    expect(new Set(acknowledged).size).toBe(20);
    expect(
      await db.study.count({ where: { id: { in: acknowledged }, readingState: "READ", readById: reader.id } }),
    ).toBe(20);
    expect(await count(db, `SELECT count(*) AS n FROM "AuditEvent" WHERE action = 'study.read'`)).toBe(20);
    // Live events resumed: the listener subscribed again and heard events sent after the restart.
    expect(subscriptions).toBeGreaterThanOrEqual(2);
    expect(events.filter((t) => t > restartedAt).length).toBeGreaterThan(0);
    expect((await checkHealth(db)).status).toBe("ok");
    console.log(
      `postgres restart: reader saw ${readerErrors} failed calls during the restart; ${events.length} events`,
    );
  }, 300_000);
});

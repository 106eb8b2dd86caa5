// DATABASE_REPORTS_URL: the chair's history views read from a replica, the scheduler's live views and
// everything else from DATABASE_URL. The "replica" here is a second database on the same server with
// its own contents (a month of demo history; the primary has none), reached through a connection whose
// every transaction is read-only, as on a hot standby: a view that wrote anything would fail.
import { beforeAll, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { createDb, reportsDb, type Db } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { createCaller } from "@/server/api/root";
import { createSource } from "@/server/pacs/pacs-sources";
import { loadDemoHistory } from "@/server/runtime/demo-history";
import { prefillScenario } from "@/server/department/what-if-prefill";
import { seedDemoUsers } from "@/server/users/demo-users";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";

const replica = vi.hoisted(() => {
  const url = new URL(process.env.DATABASE_URL!);
  const name = `${url.pathname.slice(1)}_replica`;
  url.pathname = `/${name}`;
  const writable = url.toString();
  url.searchParams.set("options", "-c default_transaction_read_only=on");
  process.env.DATABASE_REPORTS_URL = url.toString();
  return { name, writable };
});

let replicaWriter: Db;
const lastWeek = () => {
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  return { from, to, filters: {} };
};

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${replica.name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${replica.name}"`);
  await admin.end();
  await migrateDatabase(replica.writable);
  replicaWriter = createDb(replica.writable, 2);
  await seedDemoUsers(replicaWriter);
  const source = await createSource(replicaWriter, null, {
    name: "Replica's PACS",
    baseUrl: "http://127.0.0.1:1/dicom-web",
    authType: "none",
    timeoutMs: 1000,
    capabilities: {},
    locationTag: "00380300",
    backfillDays: 1,
    syncIntervalSeconds: 3600,
    enabled: false,
  });
  await loadDemoHistory(replicaWriter, source.id, { now: new Date(), seed: 7 });
  await resetDatabase();
}, 120_000);

describe("DATABASE_REPORTS_URL", () => {
  it("is read-only, as a hot standby is", async () => {
    await expect(
      reportsDb()!.$executeRaw`INSERT INTO "AppSetting" (key, value, "updatedAt") VALUES ('x', '1', now())`,
    ).rejects.toThrow(/read-only transaction/);
  });

  it("the chair's history views read the replica; the scheduler's live views, the primary", async () => {
    const sourceId = await makeOfflineSource();
    for (let i = 0; i < 3; i++)
      await testDb().study.create({
        data: { sourceId, studyInstanceUid: `1.2.3.${i}`, accessionNumber: `PRIMARY${i}`, firstSeenAt: new Date() },
      });
    const chair = createCaller({ db: testDb(), user: await makeUser(["chair", "scheduler", "admin"]) });
    const replicaRead = Number(
      (
        await replicaWriter.$queryRaw<[{ n: bigint }]>`
          SELECT count(*) AS n FROM "Study" WHERE "readAt" >= now() - interval '24 hours'`
      )[0].n,
    );
    expect(replicaRead).toBeGreaterThan(100);

    const day = await chair.department.throughput({ windowHours: 24 });
    expect(day.read).toBe(replicaRead);
    expect(day.open).toBe(0); // demo history leaves every list empty; the primary's 3 are not counted
    const options = await chair.department.chairOptions();
    expect(options.sources.map((s) => s.name)).toEqual(["Replica's PACS"]);
    const readers = await chair.department.readingByReader(lastWeek());
    expect(readers.rows.reduce((n, r) => n + r.reads, 0)).toBeGreaterThan(500);
    const stages = await chair.department.turnaroundByStage(lastWeek());
    expect(stages.find((r) => r.group === "all")!.read).toBeGreaterThan(500);
    expect((await chair.department.slaTrend(lastWeek())).rows.length).toBeGreaterThan(0);
    expect((await chair.department.hourlyLoad(lastWeek())).cells.length).toBeGreaterThan(0);
    expect((await chair.department.aiAccuracy(lastWeek())).map((m) => m.modelId).sort()).toEqual([
      "ich-headct",
      "ptx-cxr",
    ]);
    const prefill = (await chair.whatIf.prefill()).basis;
    expect(prefill).toEqual((await prefillScenario(replicaWriter)).basis);
    expect(prefill).not.toEqual((await prefillScenario(testDb())).basis);

    // Live views act on now: the primary's three open studies, none of the replica's.
    expect((await chair.department.backlog()).total).toBe(3);
  });
});

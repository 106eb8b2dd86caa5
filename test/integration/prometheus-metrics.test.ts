// /metrics as Prometheus's own tool reads it, and the arrival → verdict histogram counted through
// the real result-storing path. promtool comes from Debian's `prometheus` package (.ci/run installs it).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { buildMetricsRegistry } from "@/server/ops/prometheus-metrics";
import { storeAiResult } from "@/server/scoring/store-result";
import { migrateDatabase, MIGRATIONS_DIR } from "@/server/db/migrate";
import { makeOfflineSource, resetDatabase, testDb } from "../support/db";
import { createTestDatabase } from "../support/test-database";

function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const run = spawnSync("promtool", args, { input, encoding: "utf8" });
  if (run.error) throw new Error(`promtool is needed (apt-get install -y prometheus): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

let n = 0;
async function openStudy(sourceId: string, arrivedSecondsAgo: number): Promise<string> {
  n++;
  const study = await testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: `9.${n}`,
      firstSeenAt: new Date(Date.now() - arrivedSecondsAgo * 1000),
      dueAt: new Date(Date.now() + 3600_000),
    },
  });
  return study.id;
}

const job = (studyId: string, modelId: string, expectedModels = 1) => ({
  studyId,
  modelId,
  modelVersion: "1.0.0",
  revision: 1,
  expectedModels,
});

const histogramLines = (text: string) =>
  text.split("\n").filter((l) => l.startsWith("readnext_arrival_to_verdict_seconds_"));

describe("/metrics", () => {
  beforeEach(() => resetDatabase());

  it("counts each study's first verdict in the arrival → verdict histogram, and promtool accepts the page", async () => {
    const source = await makeOfflineSource();
    // Lags chosen just above a bucket's lower edge, so a slow test run stays in the same bucket.
    const critical = await openStudy(source, 31); // → le 60
    const negative = await openStudy(source, 130); // → le 300
    const unavailable = await openStudy(source, 7200); // → +Inf only
    const inapplicable = await openStudy(source, 40); // not counted: "not applicable" reorders nothing

    // Two models on the first study: the critical flag is its first verdict; the second model's
    // result relabels nothing new and is not a second arrival → verdict lag.
    await storeAiResult(testDb(), job(critical, "ich-headct", 2), {
      status: "SCORED",
      probability: 0.97,
      finding: "intracranial-bleed",
      critical: true,
    });
    await storeAiResult(testDb(), job(critical, "ptx-cxr", 2), { status: "NOT_APPLICABLE", reason: "no chest X-ray" });
    await storeAiResult(testDb(), job(negative, "ich-headct"), {
      status: "SCORED",
      probability: 0.05,
      critical: false,
    });
    await storeAiResult(testDb(), job(unavailable, "ich-headct"), { status: "FAILED", reason: "WADO-RS timed out" });
    await storeAiResult(testDb(), job(inapplicable, "ich-headct"), { status: "NOT_APPLICABLE", reason: "not a CT" });

    const text = await buildMetricsRegistry(testDb()).metrics();
    const lines = histogramLines(text);
    const sumLine = lines.find((l) => l.includes("_sum "))!;
    expect(lines.filter((l) => !l.includes("_sum "))).toEqual([
      'readnext_arrival_to_verdict_seconds_bucket{le="1"} 0',
      'readnext_arrival_to_verdict_seconds_bucket{le="2"} 0',
      'readnext_arrival_to_verdict_seconds_bucket{le="5"} 0',
      'readnext_arrival_to_verdict_seconds_bucket{le="10"} 0',
      'readnext_arrival_to_verdict_seconds_bucket{le="15"} 0',
      'readnext_arrival_to_verdict_seconds_bucket{le="30"} 0',
      'readnext_arrival_to_verdict_seconds_bucket{le="60"} 1',
      'readnext_arrival_to_verdict_seconds_bucket{le="120"} 1',
      'readnext_arrival_to_verdict_seconds_bucket{le="300"} 2',
      'readnext_arrival_to_verdict_seconds_bucket{le="600"} 2',
      'readnext_arrival_to_verdict_seconds_bucket{le="1800"} 2',
      'readnext_arrival_to_verdict_seconds_bucket{le="3600"} 2',
      'readnext_arrival_to_verdict_seconds_bucket{le="+Inf"} 3',
      "readnext_arrival_to_verdict_seconds_count 3",
    ]);
    const sum = Number(sumLine.split(" ")[1]);
    expect(sum).toBeGreaterThanOrEqual(31 + 130 + 7200);
    expect(sum).toBeLessThan(31 + 130 + 7200 + 3 * 29);

    const check = promtool(["check", "metrics"], text);
    expect(check.output).toBe("");
    expect(check.status).toBe(0);
  });

  it("the migration counts the verdicts stored before it", async () => {
    // A database at the migration before, with three scored studies and one not applicable.
    const dir = mkdtempSync(path.join(tmpdir(), "readnext-migrations-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    cpSync(MIGRATIONS_DIR, dir, {
      recursive: true,
      filter: (from) => !from.includes("20261203130000_verdict_lag"),
    });
    const database = await createTestDatabase("verdict_lag_backfill");
    cleanups.push(database.drop);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    cleanups.push(() => client.end());
    // createTestDatabase applied every migration; undo the one under test and apply the rest from `dir`.
    await client.query(`DROP TABLE "VerdictLagBucket"`);
    await client.query(`DELETE FROM "_prisma_migrations" WHERE migration_name = '20261203130000_verdict_lag'`);
    expect(await migrateDatabase(database.url, dir)).toEqual([]);
    await client.query(
      `INSERT INTO "PacsSource" (id, name, "baseUrl", "updatedAt") VALUES ('s', 'S', 'http://x', now())`,
    );
    const insert = (uid: string, lagSeconds: number, status: string) =>
      client.query(
        `INSERT INTO "Study" (id, "sourceId", "studyInstanceUid", "firstSeenAt", "scoredAt", "aiStatus", "updatedAt")
         VALUES ($1, 's', $1, '2026-12-01T10:00:00Z', '2026-12-01T10:00:00Z'::timestamp + make_interval(secs => $2), $3, now())`,
        [uid, lagSeconds, status],
      );
    await insert("a", 1, "negative"); // le 1: a lag exactly on a bound belongs to it
    await insert("b", 1.5, "critical"); // le 2
    await insert("c", 5000, "unavailable"); // +Inf
    await insert("d", 3, "not_applicable"); // not counted

    expect(await migrateDatabase(database.url)).toEqual(["20261203130000_verdict_lag"]);
    const { rows } = await client.query(
      `SELECT "upperSeconds"::text AS upper, verdicts, "sumSeconds" AS sum FROM "VerdictLagBucket" ORDER BY "upperSeconds"`,
    );
    expect(rows).toEqual([
      { upper: "1", verdicts: 1, sum: 1 },
      { upper: "2", verdicts: 1, sum: 1.5 },
      { upper: "Infinity", verdicts: 1, sum: 5000 },
    ]);
  });
});

describe("example alert rules", () => {
  it("pass promtool check rules", () => {
    const check = promtool(["check", "rules", "docs/prometheus/readnext-alerts.yml"]);
    expect(check.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(check.status).toBe(0);
  });
});

// npm start's own services come back by themselves after a kill -9: the embedded Postgres (with
// its data) and the demo PACS. Real processes, killed as an operator or the OOM killer would.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { scratchDataDir, startEmbeddedPostgres } from "@/server/db/embedded-postgres";
import { loadDemoDay, startDemoPacs } from "@/server/runtime/demo-pacs";
import { freePort } from "../support/test-database";

async function until<T>(what: string, probe: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe("services npm start keeps running", () => {
  it("the embedded Postgres: killed with SIGKILL, it is started again with its data; after stop it stays down", async () => {
    const lines: string[] = [];
    const dataDir = scratchDataDir("keep-running");
    const db = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      database: "kept",
      persistent: false,
      supervise: true,
      log: (line) => lines.push(line),
    });
    cleanups.push(db.stop);
    await query(db.url, "CREATE TABLE acknowledged (id int PRIMARY KEY); INSERT INTO acknowledged VALUES (1), (2)");

    const postmasterPid = () => Number(readFileSync(path.join(db.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    const killed = postmasterPid();
    process.kill(killed, "SIGKILL");
    await until("Postgres is down", async () => {
      await query(db.url, "SELECT 1").then(
        () => Promise.reject(new Error("still answering")),
        () => undefined,
      );
    });

    const rows = await until("Postgres answers again", () => query(db.url, "SELECT id FROM acknowledged ORDER BY id"));
    expect(rows.rows).toEqual([{ id: 1 }, { id: 2 }]);
    expect(postmasterPid()).not.toBe(killed);
    expect(lines).toContain("The embedded Postgres exited (signal SIGKILL); starting it again in 1 s.");
    expect(lines).toContain("The embedded Postgres is running again.");

    await db.stop();
    await new Promise((r) => setTimeout(r, 3000)); // longer than the first restart pause
    await expect(query(db.url, "SELECT 1")).rejects.toThrow();
  }, 120_000);

  it("the demo PACS: killed with SIGKILL, Orthanc is started again on the same address with its studies", async () => {
    const lines: string[] = [];
    const dataDir = mkdtempSync(path.join(tmpdir(), "readnext-keep-pacs-"));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const started = await startDemoPacs(dataDir, await freePort(), (line) => lines.push(line));
    if (!("pacs" in started)) throw new Error(started.unavailable);
    const { pacs } = started;
    cleanups.push(pacs.stop);
    const system = async () => {
      const response = await fetch(`${pacs.baseUrl}/system`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json() as Promise<{ Name: string }>;
    };
    await system();
    expect(await loadDemoDay(pacs, 2, () => undefined)).toBe(2);

    const first = pacs.process;
    first.kill("SIGKILL");
    await until("Orthanc exits", async () => {
      if (first.exitCode === null && first.signalCode === null) throw new Error("still running");
    });
    // The new process, once started (a poll may reach it a moment before keepRunning has it).
    const again = await until("Orthanc is started again", async () => {
      if (pacs.process === first) throw new Error("not replaced yet");
      return system();
    });
    expect(again.Name).toBe("ReadNext demo PACS");
    const statistics = (await (await fetch(`${pacs.baseUrl}/statistics`)).json()) as { CountStudies: number };
    expect(statistics.CountStudies).toBe(2);
    expect(lines).toContain("The demo PACS (Orthanc) exited (signal SIGKILL); starting it again in 1 s.");

    await pacs.stop();
    await new Promise((r) => setTimeout(r, 3000));
    await expect(fetch(`${pacs.baseUrl}/system`)).rejects.toThrow();
  }, 120_000);
});

// Reliability: the PACS stops for 60 s while studies keep arriving before and after. When it is
// back, every study is in ReadNext exactly once, with one revision each. A real Orthanc, stopped
// and started again on the same storage and port, and the worker's ingest half (change feed and
// sweeps on pg-boss) against the real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStudy } from "@/lib/synthetic/studies";
import { DicomWebAdapter } from "@/server/pacs/dicomweb-adapter";
import { configForUrl } from "@/server/pacs/source-config";
import { createSource } from "@/server/pacs/pacs-sources";
import { clearJobQueue, orthancSource, resetDatabase, testDb } from "../support/db";
import { startTestOrthanc, type TestOrthanc } from "../support/orthanc";
import { startIngestWorker } from "../support/ingest-worker";

const OUTAGE_MS = 60_000;
let pacs: TestOrthanc;
let worker: Awaited<ReturnType<typeof startIngestWorker>> | null = null;
let seed = 95_000;

beforeAll(async () => {
  pacs = await startTestOrthanc();
  await resetDatabase();
  await clearJobQueue();
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await pacs?.stop();
});

async function arrive(count: number): Promise<string[]> {
  const adapter = new DicomWebAdapter(configForUrl(pacs.dicomWebUrl, { timeoutMs: 30_000 }));
  const uids: string[] = [];
  for (let i = 0; i < count; i++) {
    const study = generateStudy({
      seed: seed++,
      kind: "other",
      studyDateTime: new Date(),
      priority: "STAT",
      location: "ED",
    });
    await adapter.storeInstances(study.instances);
    uids.push(study.studyInstanceUid);
  }
  return uids;
}

const ingested = async (uids: string[]) =>
  testDb().study.findMany({
    where: { studyInstanceUid: { in: uids } },
    select: { studyInstanceUid: true, revision: true },
  });

describe("reliability: the PACS stopped for 60 s while studies keep arriving", () => {
  it("every study is ingested exactly once when it returns, with no extra revisions", async () => {
    const source = await createSource(
      testDb(),
      null,
      orthancSource("Outage PACS", pacs.dicomWebUrl, { timeoutMs: 5_000, syncIntervalSeconds: 5 }),
    );
    worker = await startIngestWorker(testDb(), { tickMs: 200 });

    const before = await arrive(3);
    await expect.poll(async () => (await ingested(before)).length, { timeout: 30_000, interval: 250 }).toBe(3);

    // Two more, and the PACS goes away at once: the worker may not have seen them yet.
    const justBefore = await arrive(2);
    await pacs.stop({ keepStorage: true });
    // The admin page says so: a sweep fails while the PACS is away.
    await expect
      .poll(
        async () => (await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } })).consecutiveFailures,
        {
          timeout: 30_000,
          interval: 500,
        },
      )
      .toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));

    pacs = await startTestOrthanc({ dir: pacs.dir, port: pacs.port });
    const after = await arrive(3);
    const all = [...before, ...justBefore, ...after];
    await expect.poll(async () => (await ingested(all)).length, { timeout: 60_000, interval: 500 }).toBe(8);
    // A moment for anything still in flight (a retried sweep, the feed's next read) to land.
    await new Promise((r) => setTimeout(r, 3000));

    expect(await testDb().study.count()).toBe(8);
    expect((await ingested(all)).map((s) => s.revision)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    // Nothing else was made twice: one series row per study (each synthetic "other" study has one).
    expect(await testDb().series.count()).toBe(8);
  }, 240_000);
});

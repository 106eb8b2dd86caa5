// npm run bench -- intake: time from a finished STOW-RS into Orthanc to the study's row
// in ReadNext's database, through the worker's source-watch loop (change feed) and sweep jobs, on a fresh
// embedded Postgres and a private Orthanc. Prints JSON figures.
import { createTestDatabase } from "../test/support/test-database";
import { startTestOrthanc } from "../test/support/orthanc";
import { createDb } from "../server/db/client";
import { createBenchSource } from "./orthanc-source";
import { startIngestJobs } from "../server/jobs";
import { startJobQueue } from "../server/jobs/queue";
import { DicomWebAdapter } from "../server/pacs/dicomweb-adapter";
import { sourceConfigFromRow } from "../server/pacs/source-config";
import { generateStudy } from "../lib/synthetic/studies";
import { summarise } from "./summarise";

const runs = Number(process.env.RUNS ?? 10);
const tickMs = Number(process.env.INGEST_TICK_MS ?? 250);
const database = await createTestDatabase("bench_intake");
const orthanc = await startTestOrthanc();
const db = createDb(database.url);
const source = await createBenchSource(db, orthanc.dicomWebUrl);
const boss = await startJobQueue(database.url, { maintenanceSeconds: 3600 });
const loop = await startIngestJobs(db, boss, { tickMs });
const adapter = new DicomWebAdapter(sourceConfigFromRow({ ...source, secret: null }));
while ((await db.pacsSource.findUniqueOrThrow({ where: { id: source.id } })).changeFeedCursor === null)
  await new Promise((r) => setTimeout(r, 100));

const latencies: number[] = [];
for (let i = 0; i < runs; i++) {
  // A 32-slice 512×512 head CT, as in the scoring target.
  const study = generateStudy({
    seed: 9000 + i,
    kind: "head-ct",
    finding: "none",
    sliceCount: 32,
    studyDateTime: new Date(),
    withLocalizer: false,
  });
  await adapter.storeInstances(study.instances);
  const stored = performance.now();
  while (!(await db.study.findFirst({ where: { studyInstanceUid: study.studyInstanceUid }, select: { id: true } })))
    await new Promise((r) => setTimeout(r, 20));
  latencies.push(performance.now() - stored);
}
await loop.stop();
await boss.stop({ graceful: true, wait: true });
await db.$disconnect();
await orthanc.stop();
await database.drop();
console.log(
  JSON.stringify(
    {
      bench: "intake-latency",
      what: "STOW-RS finished → row in Study (change feed, Orthanc StableAge 1 s)",
      tickMs,
      runs,
      ms: summarise(latencies),
    },
    null,
    2,
  ),
);

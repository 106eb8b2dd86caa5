// npm run bench -- ingest: the first sync of STUDIES studies (10,000 unless said) from a private
// Orthanc into a fresh embedded Postgres, as a worker's sweep runs it (syncSource), against the same
// QIDO-RS requests made with plain HTTP and nothing else done: every page of studies, then every
// study's series, one request at a time. Prints both times and their ratio (target ≤ 1.3).
import { createTestDatabase } from "../test/support/test-database";
import { startTestOrthanc } from "../test/support/orthanc";
import { createDb } from "../server/db/client";
import { createBenchSource } from "./orthanc-source";
import { syncSource } from "../server/ingest/sync-source";
import { DicomWebAdapter } from "../server/pacs/dicomweb-adapter";
import { configForUrl } from "../server/pacs/source-config";
import { generateStudy } from "../lib/synthetic/studies";

const STUDIES = Number(process.env.STUDIES ?? 10_000);
const PAGE = 100;
const database = await createTestDatabase("bench_ingest");
const orthanc = await startTestOrthanc();
const db = createDb(database.url);

// The PACS's content: small one-image studies (the listing is what is measured, not pixels).
const t0 = performance.now();
const stow = new DicomWebAdapter(configForUrl(orthanc.dicomWebUrl, { timeoutMs: 60_000 }));
const now = new Date();
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < STUDIES) {
      const seed = 500_000 + next++;
      await stow.storeInstances(generateStudy({ seed, kind: "other", size: 32, studyDateTime: now }).instances);
    }
  }),
);
const stowSeconds = Math.round((performance.now() - t0) / 100) / 10;

// Plain HTTP: the requests a first sync makes, and nothing done with the answers but parsing them.
const from = `${now.getUTCFullYear() - 1}${String(now.getUTCMonth() + 1).padStart(2, "0")}01`;
const json = async (url: string) => {
  const response = await fetch(url, { headers: { Accept: "application/dicom+json" } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as Record<string, { Value?: string[] }>[];
};
const t1 = performance.now();
const uids: string[] = [];
for (let offset = 0; ; offset += PAGE) {
  const page = await json(`${orthanc.dicomWebUrl}/studies?limit=${PAGE}&offset=${offset}&StudyDate=${from}-`);
  for (const study of page) uids.push(study["0020000D"]!.Value![0]!);
  if (page.length < PAGE) break;
}
for (const uid of uids) await json(`${orthanc.dicomWebUrl}/studies/${uid}/series`);
const plainSeconds = (performance.now() - t1) / 1000;

// ReadNext's first sync of the same source, looking back as far.
const source = await createBenchSource(db, orthanc.dicomWebUrl, {
  timeoutMs: 60_000,
  capabilities: {},
  backfillDays: 400,
  enabled: false,
});
const t2 = performance.now();
const result = await syncSource(db, source.id);
const readnextSeconds = (performance.now() - t2) / 1000;
const stored = await db.study.count();

await db.$disconnect();
await orthanc.stop();
await database.drop();
console.log(
  JSON.stringify(
    {
      bench: "ingest",
      what: "first sync of a PACS's studies (QIDO-RS pages, then each study's series) into an empty ReadNext, against the same requests made with plain HTTP",
      studies: STUDIES,
      stowSeconds,
      plainHttpSeconds: Math.round(plainSeconds * 10) / 10,
      readnextSeconds: Math.round(readnextSeconds * 10) / 10,
      ratio: Math.round((readnextSeconds / plainSeconds) * 100) / 100,
      target: 1.3,
      sync: { pages: result.pages, seen: result.seen, created: result.created, skipped: result.skipped.length },
      studiesStored: stored,
    },
    null,
    2,
  ),
);

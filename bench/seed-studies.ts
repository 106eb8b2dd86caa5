import type { Db } from "../server/db/client";

/**
 * Fills a database with `unread` open and `read` finished studies, fast, in SQL (for benchmarks).
 * `readers`: that many radiologists (ids `bench-reader-0` …) who read the read ones in turn.
 */
export async function seedBenchStudies(
  db: Db,
  counts: { unread: number; read: number },
  options: { readDays?: number; readers?: number } = {},
): Promise<void> {
  const readDays = options.readDays ?? 30;
  const readers = options.readers ?? 0;
  if (readers > 0)
    await db.$executeRawUnsafe(`
      INSERT INTO "User" (id, name, email, roles, "updatedAt")
      SELECT 'bench-reader-' || r, 'Bench Reader ' || r, 'bench-reader-' || r || '@bench.local', ARRAY['radiologist']::"Role"[], now()
        FROM generate_series(0, ${readers - 1}) r`);
  await db.$executeRawUnsafe(
    `INSERT INTO "PacsSource" (id, name, "baseUrl", "updatedAt") VALUES ('bench', 'bench', 'http://127.0.0.1:9', now())`,
  );
  // Realistic spread: unread studies arrived in the last 20 hours (inside the 24 h cap), read ones
  // over the last `readDays` days (30 unless asked); a mix of classes, 1% AI-critical. Read studies
  // carry no ordering columns; all but 1 in 33 (marked read by the RIS) were claimed after a wait
  // of up to 2 h (most short) and read 3–20 min later, so each turnaround stage has spread.
  const seed = (state: "UNREAD" | "READ", count: number, offset: number) =>
    db.$executeRawUnsafe(`
    INSERT INTO "Study" (id, "sourceId", "studyInstanceUid", "accessionNumber", "patientId", "patientName", modalities, "bodyPart",
      "orderPriority", "patientLocation", "readingState", "firstSeenAt", "claimedAt", "readAt", "updatedAt", "dueAt", "pinnedAt", "capAt", "aiStatus", "aiFinding", "aiProbability", "aiModelId", "aiModelVersion", "readById")
    SELECT 'b' || g, 'bench', '2.25.' || g, 'ACC' || g, 'MRN' || (g % 50000), 'PATIENT^' || g,
      ARRAY[(ARRAY['CT','CR','DX','MR','US'])[1 + g % 5]], (ARRAY['HEAD','CHEST','ABDOMEN','KNEE','HAND'])[1 + g % 5],
      (ARRAY['STAT','HIGH','MEDIUM','ROUTINE','LOW'])[1 + g % 5]::"OrderPriority", (ARRAY['ED','INPATIENT','OUTPATIENT','UNKNOWN'])[1 + g % 4]::"PatientLocation",
      '${state}', a, ${state === "READ" ? "c" : "NULL"}, ${state === "READ" ? "COALESCE(c, a + interval '30 minutes') + (3 + 17 * random()) * interval '1 minute'" : "NULL"}, now(),
      ${state === "READ" ? "NULL" : "a + ((ARRAY[30, 60, 240, 1440])[1 + g % 4] || ' minutes')::interval"},
      ${state === "READ" ? "NULL" : "CASE WHEN g % 100 = 0 THEN a + interval '1 minute' END"}, ${state === "READ" ? "NULL" : "a + interval '24 hours'"},
      CASE WHEN g % 100 = 0 THEN 'critical'::"AiVerdictStatus" END, CASE WHEN g % 100 = 0 THEN 'intracranial-bleed' END,
      CASE WHEN g % 100 = 0 THEN 0.9 END, CASE WHEN g % 100 = 0 THEN 'ich-headct' END, CASE WHEN g % 100 = 0 THEN '1.0.0' END,
      ${state === "READ" && readers > 0 ? `'bench-reader-' || (g % ${readers})` : "NULL"}
    FROM (SELECT g, a, CASE WHEN g % 33 <> 0 THEN a + power(random(), 2) * interval '2 hours' END AS c
            FROM (SELECT g, now() - (random() * interval '${state === "READ" ? `${readDays} days` : "20 hours"}') AS a FROM generate_series(${offset + 1}, ${offset + count}) g) g) s`);
  for (let done = 0; done < counts.read; done += 200_000)
    await seed("READ", Math.min(200_000, counts.read - done), counts.unread + done);
  await seed("UNREAD", counts.unread, 0);
  // Vacuumed as well as analysed: otherwise autovacuum takes up the fresh 1.1M rows (a core, for
  // tens of seconds) in the middle of the measurements. A server that has been up has done it.
  await db.$executeRawUnsafe(`VACUUM ANALYZE "Study"`);
}

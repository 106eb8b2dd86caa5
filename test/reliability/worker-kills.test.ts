// Reliability: workers killed with SIGKILL at random moments while 100 studies are scored. Every
// study must end with exactly one stored result, one audit event, one count in /metrics' totals and
// histogram, and no job lost or failed. Real Orthanc, Postgres, pg-boss and worker processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStudy } from "@/lib/synthetic/studies";
import { Random } from "@/lib/random";
import { DicomWebAdapter } from "@/server/pacs/dicomweb-adapter";
import { configForUrl } from "@/server/pacs/source-config";
import { createSource } from "@/server/pacs/pacs-sources";
import { clearJobQueue, orthancSource, resetDatabase, testDb } from "../support/db";
import { startTestOrthanc } from "../support/orthanc";
import { spawnWorker, type WorkerProcess } from "../support/worker-process";

const STUDIES = 100;
const KILLING_FOR_MS = 25_000;

// Killed jobs come back after SCORING_JOB_TIMEOUT_SECONDS + 5 s; enough retries that no job runs
// out of them however often its worker dies.
const WORKER_ENV = {
  SCORING_RETRY_LIMIT: "8",
  SCORING_RETRY_DELAY_SECONDS: "1",
  QUEUE_MAINTENANCE_SECONDS: "1",
  SCORING_JOB_TIMEOUT_SECONDS: "4",
  SCORING_THREADS: "1",
};

type Orthanc = Awaited<ReturnType<typeof startTestOrthanc>>;
let pacs: Orthanc;
const workers = new Set<WorkerProcess>();

function startWorker(): WorkerProcess {
  const w = spawnWorker(WORKER_ENV);
  workers.add(w);
  w.process.once("exit", () => workers.delete(w));
  return w;
}

beforeAll(async () => {
  pacs = await startTestOrthanc();
  await resetDatabase();
  await clearJobQueue();
}, 60_000);
afterAll(async () => {
  await Promise.all([...workers].map((w) => w.stop()));
  await pacs?.stop();
});

const count = async (sql: string) => Number((await testDb().$queryRawUnsafe<{ n: bigint }[]>(sql))[0]!.n);

describe("reliability: workers killed with SIGKILL during 100 scoring jobs", () => {
  it("every study ends scored exactly once", async () => {
    // 100 chest radiographs, stored before the source exists so each is one revision, one job.
    const adapter = new DicomWebAdapter(configForUrl(pacs.dicomWebUrl, { timeoutMs: 30_000 }));
    for (let i = 0; i < STUDIES; i++) {
      const study = generateStudy({
        seed: 90_000 + i,
        kind: "chest-xr",
        size: 256,
        studyDateTime: new Date(),
        priority: "ROUTINE",
        location: "ED",
      });
      await adapter.storeInstances(study.instances);
    }
    await createSource(testDb(), null, orthancSource("Reliability PACS", pacs.dicomWebUrl));
    startWorker();
    startWorker();
    // The kills are for the scoring jobs: they start once the first sweep has listed every study (a
    // sweep whose worker dies is test/integration/orphaned-sweeps.test.ts's case).
    const ingest = async () => {
      const source = await testDb().pacsSource.findFirstOrThrow();
      return `${await testDb().study.count()} studies; sweep error ${source.lastError ?? "none"}`;
    };
    await expect.poll(ingest, { timeout: 90_000, interval: 500 }).toMatch(new RegExp(`^${STUDIES} studies`));

    // Kill a random worker every 1–3 s and start its replacement at once.
    const random = new Random(20261203);
    let kills = 0;
    const until = Date.now() + KILLING_FOR_MS;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 1000 + random.next() * 2000));
      const alive = [...workers];
      const victim = alive[Math.floor(random.next() * alive.length)];
      if (!victim) continue;
      await victim.kill9();
      kills += 1;
      startWorker();
    }
    expect(kills).toBeGreaterThanOrEqual(8);
    const scoredWhileKilling = await count(`SELECT count(*) AS n FROM "AiResult"`);

    // "scored n of m", with the queue's states, so a run that stalls says where.
    const progress = async () => {
      const jobs = await testDb().$queryRawUnsafe<{ state: string; n: bigint }[]>(
        `SELECT state::text, count(*) AS n FROM pgboss.job WHERE name = 'score-study' GROUP BY 1 ORDER BY 1`,
      );
      const scored = await count(`SELECT count(*) AS n FROM "Study" WHERE "aiStatus" IS NOT NULL`);
      const studies = await testDb().study.count();
      return `scored ${scored} of ${studies}; jobs ${jobs.map((j) => `${j.state} ${j.n}`).join(", ")}; workers ${workers.size}`;
    };
    await expect
      .poll(progress, { timeout: 180_000, interval: 1000 })
      .toMatch(new RegExp(`^scored ${STUDIES} of ${STUDIES};`));
    // Anything a killed worker left running has expired and been retried by now; give stragglers a moment.
    await new Promise((r) => setTimeout(r, 2000));

    expect(await testDb().study.count()).toBe(STUDIES);
    expect(
      await count(`SELECT count(*) AS n FROM "Study" WHERE "aiStatus" NOT IN ('negative', 'critical', 'urgent')`),
    ).toBe(0);
    // One result per study (the unique key would refuse a second; this checks none is missing).
    expect(await count(`SELECT count(*) AS n FROM "AiResult" WHERE status = 'SCORED'`)).toBe(STUDIES);
    expect(await count(`SELECT count(DISTINCT "studyId") AS n FROM "AiResult"`)).toBe(STUDIES);
    // What the result's transaction writes beside it, counted once each: a rolled-back or repeated
    // store would show here.
    expect(await count(`SELECT count(*) AS n FROM "AuditEvent" WHERE action = 'study.scored'`)).toBe(STUDIES);
    expect(await count(`SELECT COALESCE(sum(results), 0) AS n FROM "AiResultTotal"`)).toBe(STUDIES);
    expect(await count(`SELECT COALESCE(sum(verdicts), 0) AS n FROM "VerdictLagBucket"`)).toBe(STUDIES);
    // Every score job completed; none gave up.
    const jobs = await testDb().$queryRawUnsafe<{ state: string; n: bigint }[]>(
      `SELECT state::text, count(*) AS n FROM pgboss.job WHERE name = 'score-study' GROUP BY 1`,
    );
    expect(Object.fromEntries(jobs.map((j) => [j.state, Number(j.n)]))).toEqual({ completed: STUDIES });
    console.log(
      `reliability: ${kills} SIGKILLs while scoring; ${scoredWhileKilling} of ${STUDIES} stored during the kills`,
    );
  }, 300_000);
});

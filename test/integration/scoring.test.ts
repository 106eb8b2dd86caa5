import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { createHmac, randomBytes } from "node:crypto";
import { generateStudy, type SyntheticStudyOptions } from "@/lib/synthetic/studies";
import { readPart10, writePart10 } from "@/lib/dicom/part10";
import { DicomWebAdapter } from "@/server/pacs/dicomweb-adapter";
import { configForUrl } from "@/server/pacs/source-config";
import { createSource, type SourceInput } from "@/server/pacs/pacs-sources";
import { listWorklist } from "@/server/worklist/list-worklist";
import { NO_FILTERS } from "@/lib/worklist-filters";
import { clearJobQueue, makeOfflineSource, resetDatabase, testDb, makeUser } from "../support/db";
import { startTestOrthanc } from "../support/orthanc";
import { freePort } from "../support/test-database";
import { startPacsProxy } from "../support/pacs-proxy";
import { spawnWorker, type WorkerProcess } from "../support/worker-process";
import { syncSource } from "@/server/ingest/sync-source";
import { ModelRegistry } from "@/server/models/model-registry";
import { scoreSeries } from "@/server/models/model-session";
import { AdapterCache } from "@/server/scoring/adapter-cache";
import { isTransient, scoreStudy } from "@/server/scoring/score-study";
import { fetchSeriesForModel } from "@/server/scoring/fetch-series";
import { storeAiResult } from "@/server/scoring/store-result";
import { PacsError } from "@/server/pacs/errors";

type Orthanc = Awaited<ReturnType<typeof startTestOrthanc>>;
let orthanc: Orthanc;
let seed = 50_000;
const workers: WorkerProcess[] = [];

// Small retry and timeout figures so failure paths finish within a test.
const FAST = {
  SCORING_RETRY_LIMIT: "1",
  SCORING_RETRY_DELAY_SECONDS: "1",
  QUEUE_MAINTENANCE_SECONDS: "1",
  SCORING_JOB_TIMEOUT_SECONDS: "4",
  SCORING_THREADS: "1",
};

function startWorker(env: Record<string, string> = {}): WorkerProcess {
  const w = spawnWorker({ ...FAST, ...env });
  workers.push(w);
  return w;
}
const scoringStarted = (w: WorkerProcess) => w.waitForLog((l) => l.msg === "scoring started", 60_000);

const sourceSettings = (baseUrl: string): SourceInput => ({
  name: `PACS ${seed++}`,
  baseUrl,
  authType: "none",
  timeoutMs: 10_000,
  locationTag: "00380300",
  backfillDays: 2,
  syncIntervalSeconds: 3600,
  enabled: true,
  capabilities: { orthancChangeFeed: true },
});

function headCt(extra: Partial<SyntheticStudyOptions> = {}) {
  return generateStudy({
    seed: seed++,
    kind: "head-ct",
    studyDateTime: new Date(),
    priority: "ROUTINE",
    location: "OUTPATIENT CLINIC",
    ...extra,
  });
}

async function stow(url: string, instances: Uint8Array[]) {
  await new DicomWebAdapter(configForUrl(url, { timeoutMs: 30_000 })).storeInstances(instances);
}

/** "status: reason", so a failing poll says why. */
const aiState = async (uid: string) => {
  const row = await testDb().study.findFirst({
    where: { studyInstanceUid: uid },
    select: { aiStatus: true, aiReason: true },
  });
  return `${row?.aiStatus ?? "pending"}: ${row?.aiReason ?? ""}`;
};
const studyRow = (uid: string) =>
  testDb().study.findFirst({ where: { studyInstanceUid: uid }, include: { aiResults: true, series: true } });

/**
 * "status: reason" once the study is in ReadNext with all `instances` and that revision has
 * its result. Early intake may take a study mid-STOW and score the part it has; the
 * revision with every image is the one these tests judge.
 */
const wholeVerdict = async (uid: string, instances: number) => {
  const row = await studyRow(uid);
  if (!row || row.series.reduce((n, s) => n + s.numberOfInstances, 0) < instances)
    return "pending: not all images in yet";
  if (!row.aiResults.some((r) => r.studyRevision === row.revision))
    return `pending: revision ${row.revision} not scored yet`;
  return `${row.aiStatus ?? "pending"}: ${row.aiReason ?? ""}`;
};
/** The result of the study's current revision. */
const currentResult = (row: NonNullable<Awaited<ReturnType<typeof studyRow>>>) => {
  const current = row.aiResults.filter((r) => r.studyRevision === row.revision);
  expect(current).toHaveLength(1);
  return current[0]!;
};

/** Same headers and slices, but the pixel data cut to a few hundred bytes: nothing can decode it. */
function truncatePixelData(instance: Uint8Array): Uint8Array {
  const { _meta: _m, PixelData, ...dataset } = readPart10(instance);
  return writePart10(dataset, new Int16Array((PixelData as ArrayBuffer[])[0]!).slice(0, 300));
}

beforeAll(async () => {
  orthanc = await startTestOrthanc();
}, 60_000);
afterAll(async () => {
  await orthanc?.stop();
});
beforeEach(async () => {
  await resetDatabase();
  await clearJobQueue();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

// Mutation testing (vitest.mutation-server.config.ts) leaves this suite out: its code runs in other processes,
// where no mutant is switched on.
const workerSuite = process.env.READNEXT_IN_PROCESS_TESTS_ONLY === "1" ? describe.skip : describe;

workerSuite("scoring workers on a real Orthanc, Postgres and worker processes", () => {
  it("a STOWed positive head CT is scored and comes first; a negative is scored and not pinned; corrupt pixels end 'AI unavailable' and stay listed", async () => {
    const pacs = await startTestOrthanc();
    try {
      await createSource(testDb(), null, sourceSettings(pacs.dicomWebUrl));
      const worker = startWorker();
      await scoringStarted(worker);
      const routine = generateStudy({
        seed: seed++,
        kind: "other",
        studyDateTime: new Date(),
        priority: "STAT",
        location: "ED",
      });
      await stow(pacs.dicomWebUrl, routine.instances);
      const negative = headCt({ finding: "none", sliceCount: 24 });
      const positive = headCt({ finding: "ich-subdural", sliceCount: 24 });
      const broken = headCt({ finding: "none", sliceCount: 16 });
      await stow(pacs.dicomWebUrl, negative.instances);
      await stow(pacs.dicomWebUrl, positive.instances);
      await stow(pacs.dicomWebUrl, broken.instances.map(truncatePixelData));

      await expect
        .poll(() => wholeVerdict(positive.studyInstanceUid, 24), { timeout: 30_000, interval: 200 })
        .toMatch(/^critical:/);
      await expect
        .poll(() => wholeVerdict(negative.studyInstanceUid, 24), { timeout: 30_000, interval: 200 })
        .toMatch(/^negative:/);
      await expect
        .poll(() => wholeVerdict(broken.studyInstanceUid, 16), { timeout: 30_000, interval: 200 })
        .toMatch(/^unavailable:/);
      await expect
        .poll(() => aiState(routine.studyInstanceUid), { timeout: 30_000, interval: 200 })
        .toMatch(/^not_applicable:/);

      const pos = (await studyRow(positive.studyInstanceUid))!;
      const result = currentResult(pos);
      expect(result).toMatchObject({
        status: "SCORED",
        modelId: "ich-headct",
        modelVersion: "1.0.0",
        critical: true,
        finding: "intracranial-bleed",
      });
      expect(result.probability).toBeGreaterThanOrEqual(0.5);
      expect(positive.positiveSlices).toContain(result.keySliceIndex);
      expect(Object.keys(result.timings as object).sort()).toEqual(["decodeMs", "fetchMs", "inferenceMs", "totalMs"]);
      expect([...result.preview!.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      // Pinned from the moment the AI flagged it.
      expect(pos.pinnedAt).toEqual(pos.scoredAt);
      expect(pos.scoredAt).not.toBeNull();

      const neg = (await studyRow(negative.studyInstanceUid))!;
      expect(currentResult(neg)).toMatchObject({ status: "SCORED", critical: false });
      expect(currentResult(neg).probability).toBeLessThan(0.5);
      expect(neg.pinnedAt).toBeNull();

      const bad = (await studyRow(broken.studyInstanceUid))!;
      expect(currentResult(bad)).toMatchObject({ status: "FAILED" });
      expect(bad.aiReason).toMatch(/pixel data|cannot read/);

      const reader = await makeUser(["radiologist"]);
      const { rows } = await listWorklist(testDb(), reader.id, { filters: NO_FILTERS, limit: 50, offset: 0 });
      expect(rows).toHaveLength(4);
      // The STAT ED study is due in 30 min, but the AI-critical routine outpatient study comes first.
      expect(rows[0]!.studyInstanceUid).toBe(positive.studyInstanceUid);
      expect(rows[0]!.reasons[0]).toMatch(/^AI: suspected intracranial bleed [01]\.\d\d \(ich-headct 1\.0\.0\)$/);
      expect(rows[1]!.studyInstanceUid).toBe(routine.studyInstanceUid);
      expect(rows.find((r) => r.studyInstanceUid === broken.studyInstanceUid)!.reasons).toContainEqual(
        expect.stringMatching(/^AI unavailable: /),
      );
      expect(rows.find((r) => r.studyInstanceUid === routine.studyInstanceUid)!.reasons).toContainEqual(
        expect.stringMatching(/^no applicable model/),
      );
    } finally {
      await pacs.stop();
    }
  }, 120_000);

  it("two worker processes score 50 studies with exactly one result each", async () => {
    const pacs = await startTestOrthanc();
    try {
      await createSource(testDb(), null, sourceSettings(pacs.dicomWebUrl));
      const a = startWorker({ SCORING_CONCURRENCY: "2" });
      const b = startWorker({ SCORING_CONCURRENCY: "2" });
      await Promise.all([scoringStarted(a), scoringStarted(b)]);
      const studies = Array.from({ length: 50 }, (_, i) =>
        headCt({ finding: i % 2 ? "positive" : "none", sliceCount: 12, size: 128 }),
      );
      for (const s of studies) await stow(pacs.dicomWebUrl, s.instances);

      await expect.poll(() => testDb().aiResult.count(), { timeout: 90_000, interval: 500 }).toBe(50);
      // Give any duplicate a moment to show up.
      await new Promise((r) => setTimeout(r, 1500));
      const results = await testDb().aiResult.findMany({ include: { study: true } });
      expect(results).toHaveLength(50);
      expect(new Set(results.map((r) => r.studyId)).size).toBe(50);
      expect(results.every((r) => r.status === "SCORED")).toBe(true);
      const positives = new Set(studies.filter((s) => s.finding !== "none").map((s) => s.studyInstanceUid));
      const correct = results.filter((r) => r.critical === positives.has(r.study.studyInstanceUid)).length;
      expect(correct).toBeGreaterThanOrEqual(48);
      expect(await testDb().auditEvent.count({ where: { action: "study.scored" } })).toBe(50);
      // /metrics' running totals agree with the rows.
      expect((await testDb().aiResultTotal.aggregate({ _sum: { results: true } }))._sum.results).toBe(50);
      const done = (w: WorkerProcess) =>
        w.logs.filter((l) => l.msg === "score job done" && l.outcome === "stored").length;
      expect(done(a) + done(b)).toBe(50);
      expect(done(a)).toBeGreaterThan(0);
      expect(done(b)).toBeGreaterThan(0);
    } finally {
      await pacs.stop();
    }
  }, 180_000);

  it("a worker killed with SIGKILL mid-job leaves nothing half-written; after a restart the study is scored once", async () => {
    // Its own Orthanc: studies left in the shared one would be swept in too.
    const pacs = await startTestOrthanc();
    // A slow link in front of Orthanc: series retrieval takes 2 s, so the job is surely running when the worker dies.
    const proxy = await startPacsProxy(pacs.baseUrl, ({ method, url }) =>
      method === "GET" && /\/series\/[\d.]+$/.test(url) ? { delayMs: 2000 } : undefined,
    );
    try {
      // Stored before the source exists, so the first sweep takes it whole: one revision, one job.
      const study = headCt({ finding: "ich-epidural", sliceCount: 20, size: 256 });
      await stow(pacs.dicomWebUrl, study.instances);
      await createSource(testDb(), null, sourceSettings(proxy.dicomWebUrl));
      const first = startWorker();
      await scoringStarted(first);
      await expect
        .poll(
          async () =>
            (
              await testDb().$queryRawUnsafe<{ n: bigint }[]>(
                `SELECT count(*) AS n FROM pgboss.job WHERE name = 'score-study' AND state = 'active'`,
              )
            )[0]!.n,
          { timeout: 30_000, interval: 20 },
        )
        .toBe(1n);
      await first.kill9();
      expect(await testDb().aiResult.count()).toBe(0);
      expect(await testDb().auditEvent.count({ where: { action: "study.scored" } })).toBe(0);
      const row = await studyRow(study.studyInstanceUid);
      expect(row?.aiStatus).toBeNull();

      startWorker();
      await expect
        .poll(() => aiState(study.studyInstanceUid), { timeout: 45_000, interval: 250 })
        .toMatch(/^critical:/);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await testDb().aiResult.count()).toBe(1);
      expect(await testDb().auditEvent.count({ where: { action: "study.scored" } })).toBe(1);
      const jobs = await testDb().$queryRawUnsafe<{ state: string; retry_count: number }[]>(
        `SELECT state, retry_count FROM pgboss.job WHERE name = 'score-study'`,
      );
      expect(jobs).toEqual([{ state: "completed", retry_count: 1 }]);
    } finally {
      await proxy.stop();
      await pacs.stop();
    }
  }, 120_000);

  it("a critical finding is POSTed to the webhook, HMAC-signed", async () => {
    const port = await freePort();
    const secret = "webhook-secret-0123456789";
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    let failFirst = true;
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        // The first delivery fails: the webhook must be retried.
        if (failFirst) {
          failFirst = false;
          res.writeHead(503).end();
          return;
        }
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    try {
      await createSource(testDb(), null, sourceSettings(orthanc.dicomWebUrl));
      const worker = startWorker({
        CRITICAL_WEBHOOK_URL: `http://127.0.0.1:${port}/page`,
        CRITICAL_WEBHOOK_SECRET: secret,
      });
      await scoringStarted(worker);
      const study = headCt({ finding: "ich-intraparenchymal", sliceCount: 16, size: 256 });
      await stow(orthanc.dicomWebUrl, study.instances);
      await expect.poll(() => received.length, { timeout: 60_000, interval: 250 }).toBe(1);
      const { headers, body } = received[0]!;
      const expected = `sha256=${createHmac("sha256", secret).update(`${headers["x-readnext-timestamp"]}.${body}`).digest("hex")}`;
      expect(headers["x-readnext-signature"]).toBe(expected);
      expect(JSON.parse(body)).toMatchObject({
        event: "critical-finding",
        finding: "intracranial-bleed",
        model: { id: "ich-headct" },
        study: { studyInstanceUid: study.studyInstanceUid, accessionNumber: study.accessionNumber },
      });
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 120_000);

  it("with write-back on, each result reaches the PACS as one SR, the webhook still fires, and the SR is not scored as new work", async () => {
    const port = await freePort();
    const webhooks: string[] = [];
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        webhooks.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    try {
      await createSource(testDb(), null, { ...sourceSettings(orthanc.dicomWebUrl), writeResultsBack: true });
      const worker = startWorker({
        CRITICAL_WEBHOOK_URL: `http://127.0.0.1:${port}/page`,
        CRITICAL_WEBHOOK_SECRET: "webhook-secret-0123456789",
      });
      await scoringStarted(worker);
      const study = headCt({ finding: "ich-intraparenchymal", sliceCount: 16, size: 256 });
      await stow(orthanc.dicomWebUrl, study.instances);
      // The shared Orthanc still holds earlier tests' studies, which this source's first sweep also takes: count this one's.
      const ours = { study: { studyInstanceUid: study.studyInstanceUid } };
      await expect
        .poll(() => testDb().resultWriteBack.count({ where: { ...ours, sentAt: { not: null } } }), {
          timeout: 60_000,
          interval: 250,
        })
        .toBe(1);
      const srSeries = async () =>
        (await new DicomWebAdapter(configForUrl(orthanc.dicomWebUrl)).searchSeries(study.studyInstanceUid)).filter(
          (s) => (s as Record<string, { Value?: unknown[] }>)["00080060"]?.Value?.[0] === "SR",
        ).length;
      expect(await srSeries()).toBe(1);
      await expect
        .poll(() => webhooks.filter((b) => b.includes(study.studyInstanceUid)).length, {
          timeout: 30_000,
          interval: 250,
        })
        .toBe(1);
      // Orthanc announces the study again once the SR is stable; ReadNext takes no new revision from it.
      await new Promise((r) => setTimeout(r, 4000));
      const row = await testDb().study.findFirstOrThrow({ where: { studyInstanceUid: study.studyInstanceUid } });
      expect(row.revision).toBe(1);
      expect(await testDb().aiResult.count({ where: { studyId: row.id } })).toBe(1);
      expect(await testDb().resultWriteBack.count({ where: ours })).toBe(1);
      expect(await srSeries()).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 120_000);

  it("a series longer than the model takes: only the slices it samples are fetched, and the score is the whole series' score", async () => {
    const requests: string[] = [];
    const proxy = await startPacsProxy(orthanc.baseUrl, (req) => {
      if (req.method === "GET") requests.push(req.url.split("?")[0]!);
      return undefined;
    });
    const registry = await ModelRegistry.load("models", { threads: 1, executionProvider: "cpu" });
    try {
      const long = headCt({ finding: "ich-subdural", sliceCount: 60, size: 128 });
      await stow(orthanc.dicomWebUrl, long.instances);
      const source = await createSource(testDb(), null, { ...sourceSettings(proxy.dicomWebUrl), capabilities: {} });
      await syncSource(testDb(), source.id);
      const row = await testDb().study.findFirstOrThrow({
        where: { studyInstanceUid: long.studyInstanceUid },
        include: { series: true },
      });
      const axial = row.series.find((s) => s.numberOfInstances === 60)!;
      await registry.record(testDb());
      await registry.refreshActive(testDb());
      const model = registry.get("ich-headct", "1.0.0")!;
      expect(model.manifest.preprocessing.maxSlices).toBe(40);

      requests.length = 0;
      const job = {
        studyId: row.id,
        revision: row.revision,
        modelId: "ich-headct",
        modelVersion: "1.0.0",
        expectedModels: 1,
      };
      const outcome = await scoreStudy({ db: testDb(), registry, adapters: new AdapterCache(testDb()) }, job);
      expect(outcome).toMatchObject({ outcome: "stored", status: "SCORED" });

      const seriesPath = `/dicom-web/studies/${long.studyInstanceUid}/series/${axial.seriesInstanceUid}`;
      expect(requests.filter((u) => u === `${seriesPath}/instances`)).toHaveLength(1); // the QIDO-RS listing
      expect(requests.filter((u) => u.startsWith(`${seriesPath}/instances/`))).toHaveLength(40); // WADO-RS, one per sampled slice
      expect(requests).not.toContain(seriesPath); // never the whole series

      // The same slices as scoring all 60: the same score and the same key slice, counted in the whole series.
      const axialInstances = long.instances.filter(
        (bytes) => readPart10(bytes).SeriesInstanceUID === axial.seriesInstanceUid,
      );
      expect(axialInstances).toHaveLength(60);
      const whole = await scoreSeries(model, axialInstances);
      const stored = await testDb().aiResult.findFirstOrThrow({ where: { studyId: row.id } });
      expect(stored.probability).toBeCloseTo(whole.probability, 6);
      expect(stored.keySliceIndex).toBe(whole.keySlice);
      expect(stored.keySliceInstanceNumber).toBe(whole.keySliceInstanceNumber);
      const byPosition = axialInstances
        .map((b) => readPart10(b))
        .sort((a, b) => (a.ImagePositionPatient as number[])[2]! - (b.ImagePositionPatient as number[])[2]!);
      expect(stored.keySliceInstanceNumber).toBe(Number(byPosition[stored.keySliceIndex!]!.InstanceNumber));
      expect(stored.critical).toBe(true);
    } finally {
      await registry.release();
      await proxy.stop();
    }
  }, 60_000);

  it("of a 5 mm and a 1.25 mm recon, the model trained on 5 mm scores the 5 mm one, chosen from the series listing", async () => {
    const study = headCt({ finding: "ich-subdural", sliceCount: 24, size: 64 });
    const thinUid = `2.25.${BigInt(`0x${randomBytes(15).toString("hex")}`)}`;
    const axial = study.instances.map((b) => readPart10(b)).filter((ds) => ds.SliceThickness === 5);
    expect(axial).toHaveLength(24);
    // The same volume again as a thin recon: four 1.25 mm slices per 5 mm one, so it has the most images.
    const thin = axial.flatMap(({ _meta: _m, PixelData, ...ds }) =>
      [0, 1, 2, 3].map((k) => {
        const z = (ds.ImagePositionPatient as number[])[2]! + k * 1.25;
        return writePart10(
          {
            ...ds,
            SeriesInstanceUID: thinUid,
            SeriesNumber: 3,
            SeriesDescription: "HEAD 1.25mm STND",
            SOPInstanceUID: `${thinUid}.${Number(ds.InstanceNumber) * 4 + k}`,
            InstanceNumber: (Number(ds.InstanceNumber) - 1) * 4 + k + 1,
            SliceThickness: 1.25,
            SpacingBetweenSlices: 1.25,
            SliceLocation: z,
            ImagePositionPatient: [-115, -115, z],
          },
          new Int16Array((PixelData as ArrayBuffer[])[0]!),
        );
      }),
    );
    await stow(orthanc.dicomWebUrl, [...study.instances, ...thin]);
    const fetched: string[] = [];
    const proxy = await startPacsProxy(orthanc.baseUrl, (req) => {
      if (req.method === "GET") fetched.push(req.url);
      return undefined;
    });
    const registry = await ModelRegistry.load("models", { threads: 1, executionProvider: "cpu" });
    try {
      const source = await createSource(testDb(), null, sourceSettings(proxy.dicomWebUrl));
      await syncSource(testDb(), source.id);
      const row = await testDb().study.findFirstOrThrow({
        where: { studyInstanceUid: study.studyInstanceUid },
        include: { series: { orderBy: { seriesNumber: "asc" } } },
      });
      // What the listing said of each series, kept for choosing.
      expect(
        row.series.map((s) => [s.seriesNumber, s.numberOfInstances, s.sliceThicknessMm, s.imageType.at(-1)]),
      ).toEqual([
        [1, 1, null, "LOCALIZER"],
        [2, 24, 5, "AXIAL"],
        [3, 96, 1.25, "AXIAL"],
      ]);
      await registry.record(testDb());
      await registry.refreshActive(testDb());
      fetched.length = 0;
      const job = {
        studyId: row.id,
        revision: row.revision,
        modelId: "ich-headct",
        modelVersion: "1.0.0",
        expectedModels: 1,
      };
      expect(await scoreStudy({ db: testDb(), registry, adapters: new AdapterCache(testDb()) }, job)).toMatchObject({
        outcome: "stored",
        status: "SCORED",
        critical: true,
      });
      const stored = await testDb().aiResult.findFirstOrThrow({ where: { studyId: row.id } });
      expect(stored.seriesInstanceUid).toBe(row.series[1]!.seriesInstanceUid);
      expect(fetched.filter((u) => u.includes(thinUid))).toEqual([]); // the thin recon was never fetched
    } finally {
      await registry.release();
      await proxy.stop();
    }
  }, 60_000);

  it("a job whose retries are used up leaves the study saying 'AI unavailable' with why, listed at its order's priority", async () => {
    const study = headCt({ finding: "ich-subdural", sliceCount: 16, size: 64, priority: "STAT", location: "ED" });
    // A PACS of its own: the shared one holds other tests' studies, which would be listed too.
    const pacs = await startTestOrthanc();
    await stow(pacs.dicomWebUrl, study.instances);
    // The PACS answers QIDO, but every image retrieve of this study fails with 503: transient, so
    // the queue retries (SCORING_RETRY_LIMIT 1 here) and then gives up.
    let retrieves = 0;
    const retrieve = new RegExp(
      `/studies/${study.studyInstanceUid.replace(/\./g, "\\.")}/series/[\\d.]+(/instances/[\\d.]+)?$`,
    );
    const proxy = await startPacsProxy(pacs.baseUrl, ({ method, url }) => {
      if (method !== "GET" || !retrieve.test(url.split("?")[0]!)) return undefined;
      retrieves += 1;
      return { status: 503 };
    });
    try {
      const source = await createSource(testDb(), null, {
        ...sourceSettings(proxy.dicomWebUrl),
        capabilities: { orthancChangeFeed: false },
      });
      await syncSource(testDb(), source.id);
      const worker = startWorker();
      await scoringStarted(worker);
      await expect
        .poll(() => aiState(study.studyInstanceUid), { timeout: 60_000, interval: 250 })
        .toMatch(/^unavailable:/);
      const row = (await studyRow(study.studyInstanceUid))!;
      expect(row.aiReason).toMatch(/^gave up after retries: /);
      expect(row.aiReason).toMatch(/503/);
      expect(row.aiResults).toHaveLength(1);
      expect(row.aiResults[0]).toMatchObject({ status: "FAILED", studyRevision: row.revision, modelId: "ich-headct" });
      // One first try and one retry, each of which asked for images at least once.
      expect(retrieves).toBeGreaterThanOrEqual(2);
      expect(row.pinnedAt).toBeNull();
      const reader = await makeUser(["radiologist"]);
      const { rows } = await listWorklist(testDb(), reader.id, { filters: NO_FILTERS, limit: 10, offset: 0 });
      expect(rows).toHaveLength(1);
      // STAT from the ED: due 30 minutes after arrival (the default SLA table), as if no AI ran.
      expect(rows[0]!.dueAt.getTime() - row.firstSeenAt.getTime()).toBe(30 * 60_000);
      expect(rows[0]!.reasons).toContainEqual(expect.stringMatching(/^AI unavailable: gave up after retries: /));
    } finally {
      await proxy.stop();
      await pacs.stop();
    }
  }, 120_000);

  it("a sampled slice the PACS fails to send fails the fetch as transient (the queue retries), and the other requests stop", async () => {
    const long = headCt({ finding: "none", sliceCount: 60, size: 64 });
    await stow(orthanc.dicomWebUrl, long.instances);
    const adapter = new DicomWebAdapter(configForUrl(orthanc.dicomWebUrl, { timeoutMs: 10_000 }));
    const [axial] = (await adapter.searchSeries(long.studyInstanceUid)).filter(
      (s) => Number(s["00201209"]?.Value?.[0]) === 60,
    );
    const seriesUid = String(axial!["0020000E"]!.Value![0]);
    let retrieves = 0;
    const proxy = await startPacsProxy(orthanc.baseUrl, ({ method, url }) => {
      if (method !== "GET" || !/\/instances\/[\d.]+$/.test(url)) return undefined;
      retrieves += 1;
      return retrieves === 1 ? { status: 503 } : { delayMs: 50 };
    });
    try {
      const through = new DicomWebAdapter(configForUrl(proxy.dicomWebUrl, { timeoutMs: 10_000 }));
      const failure = await fetchSeriesForModel(
        through,
        long.studyInstanceUid,
        { seriesInstanceUid: seriesUid, numberOfInstances: 60 },
        40,
      ).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(PacsError);
      expect(isTransient(failure)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(retrieves).toBeLessThanOrEqual(8); // 4 lanes: the first failed, the others finish what they had and stop
    } finally {
      await proxy.stop();
    }
  });
});

describe("storing a result", () => {
  it("stores each field as given, audits it, counts its time and its first verdict's lag once; a shadow or unknown study's result changes nothing else", async () => {
    const sourceId = await makeOfflineSource();
    const firstSeenAt = new Date(Date.now() - 90_000);
    const row = await testDb().study.create({
      data: { sourceId, studyInstanceUid: "2.25.4711", modalities: ["CT"], firstSeenAt, dueAt: new Date() },
    });
    const job = { studyId: row.id, modelId: "ich-headct", modelVersion: "1.0.0", revision: 1, expectedModels: 1 };
    const given = {
      status: "SCORED" as const,
      seriesInstanceUid: "2.25.4711.3",
      probability: 0.91,
      finding: "intracranial-bleed",
      critical: true,
      urgent: true,
      keySliceIndex: 12,
      keySliceInstanceNumber: 13,
      keySliceProbability: 0.95,
      reason: "bleed in slice 13",
      timings: { totalMs: 400, fetchMs: 250, decodeMs: 50, inferenceMs: 100 },
    };
    const stored = await storeAiResult(testDb(), job, given);
    expect(stored).toEqual({ id: expect.any(String), critical: true });
    // Every field as given (status and timings go to the totals below).
    const { status: _status, timings: _timings, ...storedFields } = given;
    expect(
      await testDb().aiResult.findUniqueOrThrow({
        where: { id: stored!.id },
        select: {
          seriesInstanceUid: true,
          probability: true,
          finding: true,
          critical: true,
          urgent: true,
          keySliceIndex: true,
          keySliceInstanceNumber: true,
          keySliceProbability: true,
          reason: true,
          shadow: true,
        },
      }),
    ).toEqual({ ...storedFields, shadow: false });
    const events = () =>
      testDb().auditEvent.findMany({
        where: { studyId: row.id },
        orderBy: { at: "asc" },
        select: { action: true, details: true },
      });
    expect(await events()).toEqual([
      {
        action: "study.scored",
        details: {
          model: "ich-headct",
          version: "1.0.0",
          revision: 1,
          status: "SCORED",
          probability: 0.91,
          critical: true,
          reason: "bleed in slice 13",
        },
      },
    ]);
    // The lag from arrival, 90 s ago, falls in the (60 s, 120 s] bucket of /metrics' histogram.
    const lag = await testDb().verdictLagBucket.findMany();
    expect(lag.map((b) => [b.upperSeconds, b.verdicts])).toEqual([[120, 1]]);
    expect(lag[0]!.sumSeconds).toBeGreaterThanOrEqual(90);
    expect(lag[0]!.sumSeconds).toBeLessThan(110);
    const totals = () =>
      testDb().aiResultTotal.findMany({
        select: { status: true, results: true, totalMs: true, fetchMs: true, decodeMs: true, inferenceMs: true },
      });
    expect(await totals()).toEqual([
      { status: "SCORED", results: 1, totalMs: 400, fetchMs: 250, decodeMs: 50, inferenceMs: 100 },
    ]);

    // A second model version on the same revision: the study already had its verdict, so no second lag.
    const second = await storeAiResult(
      testDb(),
      { ...job, modelVersion: "1.0.1" },
      {
        status: "SCORED",
        probability: 0.2,
        critical: false,
        timings: { totalMs: 100, fetchMs: 10, decodeMs: 20, inferenceMs: 30 },
      },
    );
    expect(second).toEqual({ id: expect.any(String), critical: false });
    expect((await testDb().verdictLagBucket.findMany()).map((b) => b.verdicts)).toEqual([1]);
    // Defaults for what a result leaves out.
    expect(
      await testDb().aiResult.findUniqueOrThrow({
        where: { id: second!.id },
        select: {
          seriesInstanceUid: true,
          finding: true,
          urgent: true,
          keySliceIndex: true,
          reason: true,
          shadow: true,
        },
      }),
    ).toEqual({
      seriesInstanceUid: null,
      finding: null,
      urgent: false,
      keySliceIndex: null,
      reason: null,
      shadow: false,
    });
    // The same version again on another revision adds to its totals; unsaid, a result is not critical.
    const third = await storeAiResult(
      testDb(),
      { ...job, revision: 2 },
      { status: "SCORED", probability: 0.5, timings: { totalMs: 600, fetchMs: 150, decodeMs: 150, inferenceMs: 300 } },
    );
    expect((await testDb().aiResult.findUniqueOrThrow({ where: { id: third!.id } })).critical).toBe(false);
    expect((await events()).at(-1)).toMatchObject({
      action: "study.scored",
      details: { revision: 2, critical: false },
    });
    expect((await totals()).find((t) => t.results === 2)).toEqual({
      status: "SCORED",
      results: 2,
      totalMs: 1000,
      fetchMs: 400,
      decodeMs: 200,
      inferenceMs: 400,
    });

    // A shadow version's critical result: stored and audited as shadow, the study untouched.
    const before = await testDb().study.findUniqueOrThrow({ where: { id: row.id } });
    const shadow = await storeAiResult(
      testDb(),
      { ...job, modelVersion: "2.0.0", shadow: true },
      { status: "SCORED", probability: 0.99, critical: true },
    );
    expect(shadow).toEqual({ id: expect.any(String), critical: false });
    expect(await testDb().study.findUniqueOrThrow({ where: { id: row.id } })).toEqual(before);
    expect((await events()).at(-1)!.action).toBe("study.scored-shadow");
    expect((await testDb().aiResult.findUniqueOrThrow({ where: { id: shadow!.id } })).shadow).toBe(true);

    // An unknown study: nothing stored.
    const count = await testDb().aiResult.count();
    expect(await storeAiResult(testDb(), { ...job, studyId: "no-such-study" }, given)).toBeNull();
    expect(await testDb().aiResult.count()).toBe(count);
  });

  it("a study found not applicable by every model has no lag counted: it reorders nothing", async () => {
    const sourceId = await makeOfflineSource();
    const row = await testDb().study.create({
      data: { sourceId, studyInstanceUid: "2.25.4712", modalities: ["MR"], dueAt: new Date() },
    });
    const result = await storeAiResult(
      testDb(),
      { studyId: row.id, modelId: "ich-headct", modelVersion: "1.0.0", revision: 1, expectedModels: 1 },
      { status: "NOT_APPLICABLE", reason: "no CT series" },
    );
    expect(result).toEqual({ id: expect.any(String), critical: false });
    expect((await testDb().study.findUniqueOrThrow({ where: { id: row.id } })).aiStatus).toBe("not_applicable");
    expect(await testDb().verdictLagBucket.count()).toBe(0);
  });

  it("a result for an older revision is kept for the record but never relabels or reorders the study", async () => {
    const source = await createSource(testDb(), null, {
      ...sourceSettings(orthanc.dicomWebUrl),
      capabilities: { orthancChangeFeed: false },
    });
    // Revision 2 through ingest: the study was taken with its first image, then the rest arrived.
    const study = generateStudy({
      seed: seed++,
      kind: "other",
      studyDateTime: new Date(),
      priority: "ROUTINE",
      location: "OUTPATIENT CLINIC",
    });
    await stow(orthanc.dicomWebUrl, study.instances.slice(0, 1));
    await syncSource(testDb(), source.id);
    await stow(orthanc.dicomWebUrl, study.instances.slice(1));
    await syncSource(testDb(), source.id);
    const row = (await studyRow(study.studyInstanceUid))!;
    expect(row.revision).toBe(2);
    const before = { dueAt: row.dueAt, pinnedAt: row.pinnedAt };

    // A slow job of revision 1 finishes now, with a critical finding.
    const job = { studyId: row.id, modelId: "ich-headct", modelVersion: "1.0.0", expectedModels: 1 };
    const stale = await storeAiResult(
      testDb(),
      { ...job, revision: 1 },
      { status: "SCORED", probability: 0.97, finding: "intracranial-bleed", critical: true },
    );
    expect(stale).toEqual({ id: expect.any(String), critical: false });
    const afterStale = (await studyRow(study.studyInstanceUid))!;
    expect(afterStale).toMatchObject({
      aiStatus: null,
      aiFinding: null,
      aiProbability: null,
      scoredAt: null,
      pinnedAt: null,
      dueAt: before.dueAt,
    });
    expect(afterStale.aiResults.map((r) => [r.studyRevision, r.critical])).toEqual([[1, true]]);

    // The current revision's result is the one that labels it.
    await storeAiResult(
      testDb(),
      { ...job, revision: 2 },
      { status: "SCORED", probability: 0.08, finding: "intracranial-bleed", critical: false },
    );
    const current = (await studyRow(study.studyInstanceUid))!;
    expect(current).toMatchObject({ aiStatus: "negative", aiProbability: 0.08, pinnedAt: null });
  });
});

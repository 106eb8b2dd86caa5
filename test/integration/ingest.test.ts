import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { generateStudy } from "@/lib/synthetic/studies";
import { readPart10 } from "@/lib/dicom/part10";
import pg from "pg";
import { REVISIONS_CHANNEL } from "@/server/ingest/revisions";
import { DicomWebAdapter } from "@/server/pacs/dicomweb-adapter";
import { PacsError } from "@/server/pacs/errors";
import { configForUrl, sourceConfigFromRow } from "@/server/pacs/source-config";
import { syncSource } from "@/server/ingest/sync-source";
import { upsertStudy } from "@/server/ingest/upsert-study";
import { studyRecordFromQido } from "@/lib/ingest/study-record";
import { pollOrthancChangeFeed } from "@/server/ingest/orthanc-change-feed";
import { createSource, listSources, testConnection, type SourceInput } from "@/server/pacs/pacs-sources";
import { startIngestWorker } from "../support/ingest-worker";
import { resetDatabase, testDb } from "../support/db";
import { startTestOrthanc } from "../support/orthanc";
import { freePort } from "../support/test-database";
import { startPacsProxy } from "../support/pacs-proxy";

type Orthanc = Awaited<ReturnType<typeof startTestOrthanc>>;
let orthanc: Orthanc;
let seed = 1000;

const settings = (baseUrl: string, extra: Partial<SourceInput> = {}): SourceInput => ({
  name: `PACS ${seed++}`,
  baseUrl,
  authType: "none",
  timeoutMs: 5000,
  locationTag: "00380300",
  backfillDays: 2,
  syncIntervalSeconds: 60,
  enabled: true,
  capabilities: { orthancChangeFeed: true },
  ...extra,
});

async function stow(
  url: string,
  kind: "other" | "chest-xr" = "other",
  extra: Parameters<typeof generateStudy>[0] extends infer O ? Partial<O> : never = {},
) {
  const study = generateStudy({ seed: seed++, kind, studyDateTime: new Date(), ...extra });
  const adapter = new DicomWebAdapter(configForUrl(url, { timeoutMs: 10_000 }));
  await adapter.storeInstances(study.instances);
  return study;
}

beforeAll(async () => {
  orthanc = await startTestOrthanc();
}, 60_000);
afterAll(async () => {
  await orthanc?.stop();
});
beforeEach(async () => {
  await resetDatabase();
});

describe("QIDO-RS sync against a real Orthanc", () => {
  it("a study reaching the PACS late with an old StudyDate is found by the next deep sweep, never by routine ones", async () => {
    const dir = await startTestOrthanc();
    try {
      const t0 = new Date();
      const at = (hours: number) => new Date(t0.getTime() + hours * 3600_000);
      // A PACS without Orthanc's change feed: only QIDO sweeps find studies.
      const source = await createSource(
        testDb(),
        null,
        settings(dir.dicomWebUrl, { backfillDays: 30, capabilities: { orthancChangeFeed: false } }),
      );
      await stow(dir.dicomWebUrl);
      expect(await syncSource(testDb(), source.id, { now: t0, deepEveryHours: 6 })).toMatchObject({ created: 1 });

      // An outside study from ten days ago is imported into the PACS now.
      const late = await stow(dir.dicomWebUrl, "other", { studyDateTime: new Date(t0.getTime() - 10 * 86400_000) });
      const found = () => testDb().study.count({ where: { studyInstanceUid: late.studyInstanceUid } });
      // Routine sweeps look back to the day before their last success: they never see it.
      for (const hours of [1, 3, 5.9])
        expect(await syncSource(testDb(), source.id, { now: at(hours), deepEveryHours: 6 })).toMatchObject({
          created: 0,
        });
      expect(await found()).toBe(0);

      // Six hours after the last deep sweep (the first sync), one looks back 30 days and finds it.
      expect(await syncSource(testDb(), source.id, { now: at(6), deepEveryHours: 6 })).toMatchObject({ created: 1 });
      expect(await found()).toBe(1);
      const row = await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } });
      expect(row.lastDeepSweepAt).toEqual(at(6));
      expect(row.lastSuccessAt).toEqual(at(6));
    } finally {
      await dir.stop();
    }
  }, 60_000);

  it("first sync pages past one page, later syncs store only what is new, and nothing twice", async () => {
    const dir = await startTestOrthanc();
    try {
      const stowed = [];
      for (let i = 0; i < 12; i++)
        stowed.push(
          await stow(dir.dicomWebUrl, "other", {
            priority: i % 3 === 0 ? null : "STAT",
            location: i % 2 ? "ED" : "WARD 4B",
          }),
        );
      const source = await createSource(testDb(), null, settings(dir.dicomWebUrl));
      const first = await syncSource(testDb(), source.id, { pageSize: 5 });
      expect(first).toMatchObject({ pages: 3, seen: 12, created: 12, updated: 0, unchanged: 0 });
      expect(await testDb().study.count()).toBe(12);

      const studies = await testDb().study.findMany({ include: { series: true } });
      const byUid = new Map(studies.map((s) => [s.studyInstanceUid, s]));
      for (const [i, s] of stowed.entries()) {
        const row = byUid.get(s.studyInstanceUid)!;
        expect(row.accessionNumber).toBe(s.accessionNumber);
        expect(row.patientId).toBe(s.patientId);
        expect(row.orderPriority).toBe(i % 3 === 0 ? null : "STAT");
        expect(row.patientLocation).toBe(i % 2 ? "ED" : "INPATIENT");
        expect(row.patientLocationRaw).toBe(i % 2 ? "ED" : "WARD 4B");
        expect(row.numberOfInstances).toBe(3);
        expect(row.series).toHaveLength(1);
        expect(row.series[0]!.numberOfInstances).toBe(3);
        // What the modality wrote into the file, read from the file itself (not through QIDO).
        expect(row.description).toBe(readPart10(s.instances[0]!).StudyDescription);
        // InstitutionName (routing rules match it): asked for by includefield, which Orthanc answers.
        expect(row.institutionName).toBe(readPart10(s.instances[0]!).InstitutionName);
        expect(row.institutionName).toBeTruthy();
      }

      await stow(dir.dicomWebUrl);
      await stow(dir.dicomWebUrl);
      const secondStarted = new Date();
      const second = await syncSource(testDb(), source.id, { pageSize: 5 });
      const secondEnded = new Date();
      expect(second).toMatchObject({ seen: 14, created: 2, updated: 0, unchanged: 12 });
      expect(await testDb().study.count()).toBe(14);
      const status = await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } });
      expect(status.lastError).toBeNull();
      // The sweep's success is recorded at the time it started (its window's next start), within this sync.
      expect(status.lastSuccessAt!.getTime()).toBeGreaterThanOrEqual(secondStarted.getTime());
      expect(status.lastSuccessAt!.getTime()).toBeLessThanOrEqual(secondEnded.getTime());
      expect(status.syncProgress).toMatchObject({ phase: "done", studiesDone: 14, studiesTotal: 14 });
    } finally {
      await dir.stop();
    }
  });

  it("a study that gains a series is updated with a new revision, not duplicated", async () => {
    const source = await createSource(testDb(), null, settings(orthanc.dicomWebUrl));
    const study = await stow(orthanc.dicomWebUrl, "chest-xr", { size: 128 });
    await stow(orthanc.dicomWebUrl); // another study, which must keep its revision
    await syncSource(testDb(), source.id);
    const before = await testDb().study.findUniqueOrThrow({
      where: { sourceId_studyInstanceUid: { sourceId: source.id, studyInstanceUid: study.studyInstanceUid } },
    });
    expect(before.revision).toBe(1);
    // A lateral view arrives later as a second series of the same study.
    const lateral = generateStudy({ seed: 7, kind: "chest-xr", size: 128 });
    const { readPart10, writePart10 } = await import("@/lib/dicom/part10");
    const ds = readPart10(lateral.instances[0]!);
    const original = readPart10(study.instances[0]!);
    const pixels = new Uint16Array((ds.PixelData as ArrayBuffer[])[0]!);
    const { _meta, PixelData: _pixels, ...rest } = ds;
    const patched = writePart10(
      {
        ...rest,
        StudyInstanceUID: study.studyInstanceUid,
        PatientID: original.PatientID,
        PatientName: original.PatientName,
        AccessionNumber: original.AccessionNumber,
        SeriesNumber: 2,
        SeriesDescription: "CHEST LAT",
      },
      pixels,
    );
    await new DicomWebAdapter(sourceConfigFromRow({ ...source, secret: null })).storeInstances([patched]);

    const syncStarted = new Date();
    const result = await syncSource(testDb(), source.id);
    const syncEnded = new Date();
    expect(result.updated).toBe(1);
    const rows = await testDb().study.findMany({
      where: { studyInstanceUid: study.studyInstanceUid },
      include: { series: true },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.revision).toBe(2);
    expect(rows[0]!.numberOfSeries).toBe(2);
    expect(rows[0]!.series.map((s) => s.description).sort()).toEqual(["CHEST LAT", "CHEST PA"]);
    expect(rows[0]!.changedAt!.getTime()).toBeGreaterThanOrEqual(syncStarted.getTime());
    expect(rows[0]!.changedAt!.getTime()).toBeLessThanOrEqual(syncEnded.getTime());
    expect(await testDb().auditEvent.count({ where: { studyId: rows[0]!.id, action: "study.changed" } })).toBe(1);
    // Only that study changed: the others the sweep saw (the shared Orthanc holds other tests' studies) keep revision 1.
    expect(await testDb().study.count({ where: { sourceId: source.id } })).toBeGreaterThan(1);
    expect(await testDb().study.count({ where: { sourceId: source.id, revision: { not: 1 } } })).toBe(1);
  });

  it("two paths storing the same new study at once store it once; two seeing it grow at once bump its revision once", async () => {
    const source = await createSource(testDb(), null, settings(orthanc.dicomWebUrl));
    const study = await stow(orthanc.dicomWebUrl, "other", { priority: "ROUTINE", location: "OUTPATIENT CLINIC" });
    const adapter = new DicomWebAdapter(sourceConfigFromRow({ ...source, secret: null }));
    const sighting = async () => {
      const [ds] = await adapter.searchStudies({ studyInstanceUid: study.studyInstanceUid, limit: 1, offset: 0 });
      return studyRecordFromQido(ds!, { locationTag: source.locationTag });
    };
    const record = await sighting();
    expect(
      (
        await Promise.all([
          upsertStudy(testDb(), source.id, record, adapter),
          upsertStudy(testDb(), source.id, record, adapter),
        ])
      ).sort(),
    ).toEqual(["created", "unchanged"]);
    const row = await testDb().study.findFirstOrThrow({ where: { studyInstanceUid: study.studyInstanceUid } });
    expect(await testDb().study.count({ where: { studyInstanceUid: study.studyInstanceUid } })).toBe(1);
    const arrived = await testDb().auditEvent.findMany({ where: { studyId: row.id, action: "study.arrived" } });
    expect(arrived.map((e) => e.details)).toEqual([{ sourceId: source.id, instances: 3 }]);
    // Routine outpatient: due 24 h after ReadNext first saw it (the default SLA table).
    expect(row.dueAt!.getTime()).toBe(row.firstSeenAt.getTime() + 24 * 3_600_000);

    // It grows (a fourth image in a new series); two paths see it at once.
    const extra = generateStudy({ seed: seed++, kind: "other", studyDateTime: new Date() });
    const ds = readPart10(extra.instances[0]!);
    const { _meta, PixelData, ...rest } = ds;
    const { writePart10 } = await import("@/lib/dicom/part10");
    const original = readPart10(study.instances[0]!);
    await adapter.storeInstances([
      writePart10(
        { ...rest, StudyInstanceUID: study.studyInstanceUid, PatientID: original.PatientID, SeriesNumber: 9 },
        new Uint16Array((PixelData as ArrayBuffer[])[0]!),
      ),
    ]);
    const grown = await sighting();
    expect(
      (
        await Promise.all([
          upsertStudy(testDb(), source.id, grown, adapter),
          upsertStudy(testDb(), source.id, grown, adapter),
        ])
      ).sort(),
    ).toEqual(["unchanged", "updated"]);
    expect(await testDb().study.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      revision: 2,
      numberOfInstances: 4,
    });
    expect(await testDb().auditEvent.count({ where: { studyId: row.id, action: "study.changed" } })).toBe(1);
  });

  it("more images arriving in an existing series give the study a new revision, so a study taken early is scored again", async () => {
    const source = await createSource(testDb(), null, settings(orthanc.dicomWebUrl));
    // A 3-image series: the modality has sent only its first image when the sweep runs.
    const study = generateStudy({ seed: seed++, kind: "other", studyDateTime: new Date() });
    expect(study.instances).toHaveLength(3);
    const adapter = new DicomWebAdapter(configForUrl(orthanc.dicomWebUrl, { timeoutMs: 10_000 }));
    // Workers hear of every revision to score on their own channel, on commit.
    const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await listener.connect();
    const announced: unknown[] = [];
    listener.on("notification", (m) => announced.push(JSON.parse(m.payload!)));
    await listener.query(`LISTEN ${REVISIONS_CHANNEL}`);
    await adapter.storeInstances(study.instances.slice(0, 1));
    await syncSource(testDb(), source.id);
    const early = await testDb().study.findFirstOrThrow({
      where: { studyInstanceUid: study.studyInstanceUid },
      include: { series: true },
    });
    expect(early).toMatchObject({ revision: 1, numberOfSeries: 1, numberOfInstances: 1 });
    expect(early.series.map((s) => s.numberOfInstances)).toEqual([1]);

    // The other two images of the same series arrive: same series count, more instances.
    await adapter.storeInstances(study.instances.slice(1));
    const result = await syncSource(testDb(), source.id);
    expect(result).toMatchObject({ created: 0, updated: 1 });
    const later = await testDb().study.findFirstOrThrow({
      where: { studyInstanceUid: study.studyInstanceUid },
      include: { series: true },
    });
    expect(later).toMatchObject({ revision: 2, numberOfSeries: 1, numberOfInstances: 3 });
    expect(later.series.map((s) => s.numberOfInstances)).toEqual([3]);
    const changed = await testDb().auditEvent.findFirstOrThrow({
      where: { studyId: later.id, action: "study.changed" },
    });
    expect(changed.details).toEqual({ series: [1, 1], instances: [1, 3], revision: 2 });
    // (The shared Orthanc holds other tests' studies too; the sweep announces those as well.)
    const ours = () => announced.filter((a) => (a as { studyId: string }).studyId === later.id);
    await expect.poll(() => ours().length).toBe(2);
    await listener.end();
    expect(ours()).toEqual([
      { studyId: later.id, revision: 1 },
      { studyId: later.id, revision: 2 },
    ]);
  });

  it("a study whose series lookup failed at arrival gets its series, and a new revision, at the next sighting", async () => {
    const study = await stow(orthanc.dicomWebUrl, "chest-xr", { size: 128 });
    // In front of Orthanc: this study's first two series searches (QIDO /studies/<uid>/series) answer 503.
    let failures = 2;
    let seriesSearches = 0;
    const proxy = await startPacsProxy(orthanc.baseUrl, ({ url }) => {
      if (!url.includes(`/studies/${study.studyInstanceUid}/series`)) return undefined;
      seriesSearches += 1;
      if (failures === 0) return undefined;
      failures -= 1;
      return { status: 503 };
    });
    try {
      const source = await createSource(testDb(), null, settings(proxy.dicomWebUrl));
      await syncSource(testDb(), source.id);
      const first = await testDb().study.findFirstOrThrow({
        where: { studyInstanceUid: study.studyInstanceUid },
        include: { series: true },
      });
      expect(failures).toBe(1);
      expect(first).toMatchObject({ revision: 1, series: [] });
      // A radiograph of no known body part: the starter table's "other radiograph", 0.2 RVU.
      expect(first.workRvu).toBe(0.2);

      // Seen again while the lookup still fails: nothing new to store, no new revision.
      const still = await syncSource(testDb(), source.id);
      expect(failures).toBe(0);
      expect(still.updated).toBe(0);
      expect(
        await testDb().study.findFirstOrThrow({ where: { studyInstanceUid: study.studyInstanceUid } }),
      ).toMatchObject({ revision: 1 });

      const second = await syncSource(testDb(), source.id);
      expect(second.updated).toBeGreaterThanOrEqual(1);
      const after = await testDb().study.findFirstOrThrow({
        where: { studyInstanceUid: study.studyInstanceUid },
        include: { series: true },
      });
      expect(after.revision).toBe(2);
      expect(after.series.map((s) => s.description)).toEqual(["CHEST PA"]);
      expect(after.bodyPart).toBe("CHEST");
      // With its body part known, its work RVUs are the chest radiograph's (the priority refresh ran again).
      expect(after.workRvu).toBe(0.22);
      // Once the series are known, later sightings change nothing and do not even ask for the series.
      const searchesBefore = seriesSearches;
      await syncSource(testDb(), source.id);
      expect(seriesSearches).toBe(searchesBefore);
      expect(
        (await testDb().study.findFirstOrThrow({ where: { studyInstanceUid: study.studyInstanceUid } })).revision,
      ).toBe(2);
    } finally {
      await proxy.stop();
    }
  });

  it("basic auth works, and a wrong password is reported clearly", async () => {
    const secured = await startTestOrthanc({ users: { reader: "s3cret-pass" } });
    try {
      await new DicomWebAdapter(
        configForUrl(secured.dicomWebUrl, {
          timeoutMs: 5000,
          auth: { type: "basic", username: "reader", password: "s3cret-pass" },
        }),
      ).storeInstances(generateStudy({ seed: 5, kind: "other", studyDateTime: new Date() }).instances);
      const good = await createSource(
        testDb(),
        null,
        settings(secured.dicomWebUrl, { authType: "basic", username: "reader", secret: "s3cret-pass" }),
      );
      expect((await syncSource(testDb(), good.id)).created).toBe(1);

      const bad = await createSource(
        testDb(),
        null,
        settings(secured.dicomWebUrl, { authType: "basic", username: "reader", secret: "wrong" }),
      );
      const error = await syncSource(testDb(), bad.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PacsError);
      expect((error as PacsError).kind).toBe("unauthorized");
      const status = await testDb().pacsSource.findUniqueOrThrow({ where: { id: bad.id } });
      expect(status.lastError).toMatch(/refused the credentials \(HTTP 401\)/);
      expect(status.consecutiveFailures).toBe(1);
      expect(status.lastErrorAt).not.toBeNull();
      expect(await testConnection(testDb(), { id: bad.id })).toMatchObject({ ok: false, kind: "unauthorized" });
      expect(await testConnection(testDb(), { id: good.id })).toMatchObject({ ok: true });
    } finally {
      await secured.stop();
    }
  });

  it("PACS down, studies added, PACS back: every study ingested exactly once", async () => {
    const pacs = await startTestOrthanc();
    const source = await createSource(testDb(), null, settings(pacs.dicomWebUrl));
    await stow(pacs.dicomWebUrl);
    await stow(pacs.dicomWebUrl);
    expect((await syncSource(testDb(), source.id)).created).toBe(2);

    await pacs.stop({ keepStorage: true });
    const down = await syncSource(testDb(), source.id).catch((e: unknown) => e);
    expect((down as PacsError).kind).toBe("unreachable");
    expect((await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } })).lastError).toMatch(
      /cannot reach/,
    );
    expect(await testDb().study.count()).toBe(2);

    const back = await startTestOrthanc({ dir: pacs.dir, port: pacs.port });
    try {
      for (let i = 0; i < 3; i++) await stow(back.dicomWebUrl);
      const after = await syncSource(testDb(), source.id);
      expect(after).toMatchObject({ seen: 5, created: 3, unchanged: 2 });
      const uids = (await testDb().study.findMany({ select: { studyInstanceUid: true } })).map(
        (s) => s.studyInstanceUid,
      );
      expect(new Set(uids).size).toBe(5);
      expect(uids).toHaveLength(5);
      const status = await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } });
      expect(status.lastError).toBeNull();
      expect(status.consecutiveFailures).toBe(0);
    } finally {
      await back.stop();
    }
  });
});

describe("sweeps run as jobs on the queue", () => {
  it("a failing sweep is retried by the queue after its backoff, not before; Sync now does not wait for it", async () => {
    // Nothing listens on port 9: every sweep fails at once with "cannot reach".
    const source = await createSource(
      testDb(),
      null,
      settings("http://127.0.0.1:9/dicom-web", { capabilities: {}, syncIntervalSeconds: 3600, timeoutMs: 1000 }),
    );
    const failures = async () =>
      (await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } })).consecutiveFailures;
    const worker = await startIngestWorker(testDb(), { tickMs: 100 });
    try {
      await expect.poll(failures, { timeout: 15_000, interval: 50 }).toBe(1);
      const first = await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } });
      expect(first.lastError).toMatch(/cannot reach/);
      // pg-boss's documented backoff (retryDelay 2 s, retryBackoff): the first retry 2–4 s after the failure.
      await expect.poll(async () => (await listSources(testDb()))[0]!.retryAt, { timeout: 5_000 }).not.toBeNull();
      const retryAt = (await listSources(testDb()))[0]!.retryAt!;
      const wait = retryAt.getTime() - first.lastErrorAt!.getTime();
      expect(wait).toBeGreaterThanOrEqual(1_900);
      expect(wait).toBeLessThanOrEqual(4_100);
      // The source-watch loop does not start another sweep while the retry waits.
      const quietUntil = retryAt.getTime() - 300;
      while (Date.now() < quietUntil) {
        expect(await failures()).toBe(1);
        await new Promise((r) => setTimeout(r, 100));
      }
      await expect.poll(failures, { timeout: 10_000, interval: 50 }).toBe(2);

      // The second retry waits 4–8 s; Sync now (what requestSync writes) runs a sweep at once.
      await expect.poll(async () => (await listSources(testDb()))[0]!.retryAt, { timeout: 5_000 }).not.toBeNull();
      const asked = Date.now();
      await testDb().pacsSource.update({ where: { id: source.id }, data: { syncRequestedAt: new Date() } });
      await expect.poll(failures, { timeout: 10_000, interval: 50 }).toBe(3);
      expect(Date.now() - asked).toBeLessThan(3_000);
      expect((await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } })).syncRequestedAt).toBeNull();
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it("two workers never sweep the same source at once, however often Sync now is pressed", async () => {
    let inFlight = 0;
    let most = 0;
    let searches = 0;
    // A slow PACS in front of the real one: each QIDO search takes 2 s, longer than an idle worker's poll.
    const proxy = await startPacsProxy(orthanc.baseUrl, (req) => {
      if (!req.url.includes("/studies?")) return undefined;
      searches++;
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => inFlight--, 2_000);
      return { delayMs: 2_000 };
    });
    const source = await createSource(
      testDb(),
      null,
      settings(proxy.dicomWebUrl, { capabilities: {}, syncIntervalSeconds: 3600 }),
    );
    const workers = [await startIngestWorker(testDb()), await startIngestWorker(testDb())];
    try {
      const press = () =>
        testDb().pacsSource.update({ where: { id: source.id }, data: { syncRequestedAt: new Date() } });
      await press();
      // Pressed again while that sweep is still searching (each search takes 2 s). Waiting for it first keeps
      // the test honest on a busy machine: presses before any worker polled would all fold into one sweep.
      await expect.poll(() => searches, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
      for (let i = 0; i < 4; i++) {
        await press();
        await new Promise((r) => setTimeout(r, 300));
      }
      await expect
        .poll(async () => (await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } })).syncRequestedAt, {
          timeout: 20_000,
        })
        .toBeNull();
      await expect.poll(() => inFlight, { timeout: 5_000 }).toBe(0);
      expect(searches).toBeGreaterThanOrEqual(2);
      expect(most).toBe(1);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await proxy.stop();
    }
  }, 60_000);
});

describe("a PACS that answers garbage", () => {
  let server: Server;
  let url: string;
  let mode: "500" | "bad-json" | "not-array" | "truncated-multipart" | "slow" = "500";

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (mode === "500") return res.writeHead(500).end("boom");
      if (mode === "bad-json")
        return res.writeHead(200, { "content-type": "application/dicom+json" }).end('[{"0020000D": {"vr": "UI", "Val');
      if (mode === "not-array")
        return res.writeHead(200, { "content-type": "application/dicom+json" }).end('{"hello": "world"}');
      if (mode === "slow") return setTimeout(() => res.writeHead(200).end("[]"), 3000);
      res.writeHead(200, { "content-type": 'multipart/related; type="application/octet-stream"; boundary=XYZ' });
      return res.end("--XYZ\r\nContent-Type: application/octet-stream"); // cut off mid-header
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    url = `http://127.0.0.1:${port}/dicom-web`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each([
    ["500", "http", /HTTP 500/],
    ["bad-json", "invalid-response", /invalid JSON/],
    ["not-array", "invalid-response", /expected a DICOM JSON array/],
    ["slow", "timeout", /timed out|no complete answer/],
  ] as const)("%s → a clear %s error, source status recorded, existing studies untouched", async (m, kind, message) => {
    mode = m;
    const source = await createSource(testDb(), null, settings(url, { timeoutMs: 500, capabilities: {} }));
    await testDb().study.create({ data: { sourceId: source.id, studyInstanceUid: "1.2.3.keep" } });
    const error = await syncSource(testDb(), source.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PacsError);
    expect((error as PacsError).kind).toBe(kind);
    expect((error as PacsError).message).toMatch(message);
    const status = await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } });
    expect(status.lastError).toMatch(message);
    expect(await testDb().study.count({ where: { sourceId: source.id } })).toBe(1);
  });

  it("a truncated multipart frame response is an error, not a crash", async () => {
    mode = "truncated-multipart";
    const adapter = new DicomWebAdapter(configForUrl(url, { name: "garbage", timeoutMs: 1000 }));
    const error = await adapter
      .retrieveFrames({ study: "1", series: "2", instance: "3" }, [1])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PacsError);
    expect((error as PacsError).kind).toBe("invalid-response");
  });
});

describe("fast intake through Orthanc's change feed", () => {
  it("a STOWed study is stored by the feed, once, whichever path sees it first", async () => {
    const source = await createSource(testDb(), null, settings(orthanc.dicomWebUrl));
    await pollOrthancChangeFeed(testDb(), source.id); // learns the feed's end
    const study = await stow(orthanc.dicomWebUrl, "chest-xr", { size: 128 });
    // The feed reports the study once Orthanc finds it stable (StableAge 1 s).
    await expect
      .poll(async () => (await pollOrthancChangeFeed(testDb(), source.id)).outcomes, { timeout: 10_000, interval: 200 })
      .toContain("created");
    await syncSource(testDb(), source.id);
    await pollOrthancChangeFeed(testDb(), source.id);
    expect(await testDb().study.count({ where: { studyInstanceUid: study.studyInstanceUid } })).toBe(1);
  });

  it("early intake: a study is taken once its instance count holds still, long before Orthanc calls it stable", async () => {
    const slow = await startTestOrthanc({ stableAgeSeconds: 60 });
    try {
      const source = await createSource(testDb(), null, settings(slow.dicomWebUrl, { syncIntervalSeconds: 3600 }));
      const loop = await startIngestWorker(testDb());
      try {
        await expect
          .poll(
            async () => (await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } })).changeFeedCursor,
            { timeout: 15_000 },
          )
          .not.toBeNull();
        await expect
          .poll(async () => (await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } })).lastSuccessAt, {
            timeout: 15_000,
          })
          .not.toBeNull();
        const study = await stow(slow.dicomWebUrl, "other");
        const started = Date.now();
        await expect
          .poll(() => testDb().study.count({ where: { studyInstanceUid: study.studyInstanceUid } }), {
            timeout: 15_000,
            interval: 100,
          })
          .toBe(1);
        // Orthanc would call it stable only after 60 s.
        expect(Date.now() - started).toBeLessThan(10_000);
        const row = await testDb().study.findFirstOrThrow({ where: { studyInstanceUid: study.studyInstanceUid } });
        expect(row.numberOfInstances).toBe(study.instances.length);
      } finally {
        await loop.stop();
      }
    } finally {
      await slow.stop();
    }
  });

  it("the worker's ingest loop picks up a new study without any sync being asked for", async () => {
    const source = await createSource(testDb(), null, settings(orthanc.dicomWebUrl, { syncIntervalSeconds: 3600 }));
    const loop = await startIngestWorker(testDb());
    try {
      // Let the first sweep and the feed's first contact happen.
      await expect
        .poll(
          async () => (await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } })).changeFeedCursor,
          { timeout: 15_000 },
        )
        .not.toBeNull();
      await expect
        .poll(async () => (await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } })).lastSuccessAt, {
          timeout: 15_000,
        })
        .not.toBeNull();
      const study = await stow(orthanc.dicomWebUrl, "chest-xr", { size: 128 });
      await expect
        .poll(() => testDb().study.count({ where: { studyInstanceUid: study.studyInstanceUid } }), { timeout: 15_000 })
        .toBe(1);
    } finally {
      await loop.stop();
    }
  });
});

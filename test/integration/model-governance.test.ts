import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { rmSync } from "node:fs";
import { generateStudy, type SyntheticStudyOptions } from "@/lib/synthetic/studies";
import { DicomWebAdapter } from "@/server/pacs/dicomweb-adapter";
import { configForUrl } from "@/server/pacs/source-config";
import { createSource, type SourceInput } from "@/server/pacs/pacs-sources";
import { listWorklist } from "@/server/worklist/list-worklist";
import { getStudyDetail } from "@/server/worklist/study-detail";
import { setModelThresholds } from "@/server/models/ai-models";
import { setModelMode, shadowComparison } from "@/server/models/model-governance";
import { aiAccuracy } from "@/server/department/ai-accuracy";
import { NO_FILTERS } from "@/lib/worklist-filters";
import { clearJobQueue, resetDatabase, testDb, makeUser, orthancSource } from "../support/db";
import { startTestOrthanc } from "../support/orthanc";
import { freePort } from "../support/test-database";
import { startPacsProxy } from "../support/pacs-proxy";
import { spawnWorker, type WorkerProcess } from "../support/worker-process";
import { modelsFolderWithNewVersion } from "../support/models-folder";

type Orthanc = Awaited<ReturnType<typeof startTestOrthanc>>;
let orthanc: Orthanc;
let seed = 70_000;
const workers: WorkerProcess[] = [];
const dirs: string[] = [];

const FAST = {
  SCORING_RETRY_LIMIT: "0",
  QUEUE_MAINTENANCE_SECONDS: "1",
  SCORING_THREADS: "1",
  SCORING_CONCURRENCY: "1",
  SHADOW_SCORING_CONCURRENCY: "1",
};

function modelsWithSecondVersion(change?: (manifest: Record<string, unknown>) => void): string {
  const folder = modelsFolderWithNewVersion("governance", change);
  dirs.push(folder.dir);
  return folder.dir;
}

function startWorker(env: Record<string, string>): WorkerProcess {
  const w = spawnWorker({ ...FAST, ...env });
  workers.push(w);
  return w;
}
const scoringStarted = (w: WorkerProcess) => w.waitForLog((l) => l.msg === "scoring started", 60_000);

const sourceSettings = (baseUrl: string): SourceInput =>
  orthancSource(`PACS ${seed++}`, baseUrl, { timeoutMs: 60_000 });

const study = (extra: Partial<SyntheticStudyOptions>) =>
  generateStudy({
    seed: seed++,
    kind: "head-ct",
    studyDateTime: new Date(),
    priority: "ROUTINE",
    location: "OUTPATIENT CLINIC",
    ...extra,
  });

async function stow(url: string, instances: Uint8Array[]) {
  await new DicomWebAdapter(configForUrl(url, { timeoutMs: 30_000 })).storeInstances(instances);
}

const row = (uid: string) =>
  testDb().study.findFirstOrThrow({ where: { studyInstanceUid: uid }, include: { aiResults: true } });
/** "live status / shadow status" of a study's results, for polling. */
async function resultsOf(uid: string): Promise<string> {
  const s = await testDb().study.findFirst({ where: { studyInstanceUid: uid }, include: { aiResults: true } });
  const live = s?.aiResults.find((r) => !r.shadow);
  const shadow = s?.aiResults.find((r) => r.shadow);
  return `${s?.aiStatus ?? "pending"} / ${shadow?.status ?? "none"}${live ? "" : " (no live result)"}`;
}

async function modelRow(version: string) {
  return testDb().aiModel.findUniqueOrThrow({ where: { modelId_version: { modelId: "ich-headct", version } } });
}

beforeAll(async () => {
  orthanc = await startTestOrthanc();
}, 60_000);
afterAll(async () => {
  await orthanc?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(async () => {
  await resetDatabase();
  await clearJobQueue();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill9()));
});

describe("shadow mode: a model version scored, measured and never acted on", () => {
  it("a shadow version flagging everything moves nothing, pages nobody, is hidden from readers; promoting it makes it the one that orders the list", async () => {
    const pages: string[] = [];
    const port = await freePort();
    const webhook: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        pages.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(port, "127.0.0.1", resolve));
    try {
      await createSource(testDb(), null, sourceSettings(orthanc.dicomWebUrl));
      const worker = startWorker({
        MODELS_DIR: modelsWithSecondVersion(),
        CRITICAL_WEBHOOK_URL: `http://127.0.0.1:${port}/page`,
        CRITICAL_WEBHOOK_SECRET: "shadow-test-secret",
      });
      await scoringStarted(worker);
      const [live, shadow] = [await modelRow("1.0.0"), await modelRow("1.1.0")];
      expect([live.mode, shadow.mode]).toEqual(["LIVE", "SHADOW"]);
      const admin = await makeUser(["admin"]);
      // Flags every study it sees: any score is at or above 0.
      await setModelThresholds(testDb(), admin.id, shadow.id, { critical: 0, urgent: null });

      const stat = generateStudy({
        seed: seed++,
        kind: "other",
        studyDateTime: new Date(),
        priority: "STAT",
        location: "ED",
      });
      const negative = study({ finding: "none", sliceCount: 24 });
      await stow(orthanc.dicomWebUrl, stat.instances);
      await stow(orthanc.dicomWebUrl, negative.instances);
      await expect
        .poll(() => resultsOf(negative.studyInstanceUid), { timeout: 60_000, interval: 250 })
        .toBe("negative / SCORED");

      const neg = await row(negative.studyInstanceUid);
      const shadowResult = neg.aiResults.find((r) => r.shadow)!;
      expect(shadowResult).toMatchObject({ modelVersion: "1.1.0", critical: true });
      expect(neg.aiResults.find((r) => !r.shadow)).toMatchObject({ modelVersion: "1.0.0", critical: false });
      expect(neg).toMatchObject({ aiStatus: "negative", aiModelVersion: "1.0.0", pinnedAt: null });

      // The reading order: the STAT ED study first, the flagged-in-shadow outpatient CT after it.
      const reader = await makeUser(["radiologist"]);
      const { rows } = await listWorklist(testDb(), reader.id, { filters: NO_FILTERS, limit: 50, offset: 0 });
      expect(rows.map((r) => r.studyInstanceUid)).toEqual([stat.studyInstanceUid, negative.studyInstanceUid]);
      expect(rows[1]!.reasons.join(" ")).not.toMatch(/suspected/i);

      // Readers never see the shadow result; chairs and admins do, marked as such.
      const forReader = await getStudyDetail(testDb(), neg.id, reader.id);
      expect(forReader.aiResults.map((r) => r.modelVersion)).toEqual(["1.0.0"]);
      const forChair = await getStudyDetail(testDb(), neg.id, admin.id, new Date(), { seesShadowResults: true });
      expect(forChair.aiResults.map((r) => [r.modelVersion, r.shadow]).sort()).toEqual([
        ["1.0.0", false],
        ["1.1.0", true],
      ]);
      // Chairs' accuracy figures count what readers were shown.
      const accuracy = await aiAccuracy(testDb(), {
        since: new Date(Date.now() - 3_600_000),
        until: new Date(Date.now() + 3_600_000),
      });
      expect(accuracy.map((a) => a.modelVersion)).toEqual(["1.0.0"]);

      // Side by side: one study, they disagree on it.
      const compared = await shadowComparison(testDb(), shadow.id);
      expect(compared.live).toBe("1.0.0");
      expect(compared.comparison).toMatchObject({
        studies: 1,
        agreement: 0,
        liveFlagRate: 0,
        shadowFlagRate: 1,
        disagreeing: 1,
      });
      expect(compared.comparison!.disagreements[0]).toMatchObject({
        studyId: neg.id,
        live: "negative",
        shadow: "critical",
        accessionNumber: negative.accessionNumber,
      });
      expect(await testDb().auditEvent.count({ where: { action: "study.scored-shadow", studyId: neg.id } })).toBe(1);

      // Promotion: one audited step; 1.0.0 goes to shadow; 1.1.0's earlier result stays a shadow result.
      await setModelMode(testDb(), admin.id, shadow.id, "LIVE");
      expect([(await modelRow("1.0.0")).mode, (await modelRow("1.1.0")).mode]).toEqual(["SHADOW", "LIVE"]);
      const promoted = await testDb().auditEvent.findFirstOrThrow({ where: { action: "model.promoted" } });
      expect(promoted.details).toMatchObject({ modelId: "ich-headct", version: "1.1.0", replaced: ["1.0.0"] });
      expect((await testDb().aiResult.findUniqueOrThrow({ where: { id: shadowResult.id } })).shadow).toBe(true);

      // A new study is ordered by 1.1.0 now: flagged, pinned, paged; 1.0.0 scores it in shadow.
      const next = study({ finding: "none", sliceCount: 24 });
      await stow(orthanc.dicomWebUrl, next.instances);
      await expect
        .poll(() => resultsOf(next.studyInstanceUid), { timeout: 60_000, interval: 250 })
        .toBe("critical / SCORED");
      const after = await row(next.studyInstanceUid);
      expect(after.aiModelVersion).toBe("1.1.0");
      expect(after.pinnedAt).not.toBeNull();
      expect(after.aiResults.find((r) => r.shadow)).toMatchObject({ modelVersion: "1.0.0", critical: false });
      await expect.poll(() => pages.length, { timeout: 30_000, interval: 250 }).toBe(1);
      expect(JSON.parse(pages[0]!)).toMatchObject({ study: { studyInstanceUid: next.studyInstanceUid } });
      // Only the promoted version's page: the shadow flag on the first study never paged anyone.
      expect(pages.some((p) => p.includes(negative.studyInstanceUid))).toBe(false);
    } finally {
      await new Promise((r) => webhook.close(r));
    }
  }, 180_000);

  it("a shadow version stuck on a slow PACS never holds up the live verdict (its own queue)", async () => {
    // The shadow version samples 8 slices, so it lists the series' instances first; the live one
    // fetches the whole 24-slice series. The listing hangs: only the shadow job waits on it.
    const proxy = await startPacsProxy(orthanc.baseUrl, (req) =>
      /\/dicom-web\/studies\/[^/]+\/series\/[^/]+\/instances/.test(req.url) ? { delayMs: 45_000 } : undefined,
    );
    try {
      await createSource(testDb(), null, sourceSettings(proxy.dicomWebUrl));
      const worker = startWorker({
        MODELS_DIR: modelsWithSecondVersion((m) => {
          (m.preprocessing as { maxSlices: number }).maxSlices = 8;
        }),
        SCORING_JOB_TIMEOUT_SECONDS: "60",
      });
      await scoringStarted(worker);
      expect((await modelRow("1.1.0")).mode).toBe("SHADOW");
      const positive = study({ finding: "ich-subdural", sliceCount: 24 });
      await stow(orthanc.dicomWebUrl, positive.instances);
      // One score job runs at a time per queue: were shadow jobs on the live queue, this would wait 45 s.
      await expect
        .poll(() => resultsOf(positive.studyInstanceUid), { timeout: 30_000, interval: 250 })
        .toBe("critical / none");
      expect((await row(positive.studyInstanceUid)).pinnedAt).not.toBeNull();
    } finally {
      await Promise.all(workers.splice(0).map((w) => w.kill9()));
      await proxy.stop();
    }
  }, 120_000);
});

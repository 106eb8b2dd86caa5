import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ModelRegistry } from "@/server/models/model-registry";
import { dispatchScoring } from "@/server/scoring/dispatch-scoring";
import { storeAiResult } from "@/server/scoring/store-result";
import type { ScoreJobData } from "@/server/core/queues";
import { listModels, setModelEnabled, setModelThresholds } from "@/server/models/ai-models";
import { buildMetricsRegistry } from "@/server/ops/prometheus-metrics";
import { webhookStatus } from "@/server/ops/scoring-status";
import { startJobQueue } from "@/server/jobs/queue";
import { WEBHOOK_QUEUE } from "@/server/core/queues";
import { env } from "@/server/env";
import { giveAiFeedback } from "@/server/worklist/ai-feedback";
import { createSource } from "@/server/pacs/pacs-sources";
import { makeUser, resetDatabase, testDb } from "../support/db";
import { aiAccuracy } from "@/server/department/ai-accuracy";
import { prefillScenario } from "@/server/department/what-if-prefill";
import { throughputSummary } from "@/server/department/department-metrics";
import { saveSetting } from "@/server/core/settings";
import { DEFAULT_PRIORITY_CONFIG } from "@/lib/priority/sla";
import { from } from "../support/chair-scope";

const ICH = path.resolve("models/ich-headct");
let registry: ModelRegistry;
let modelsDir: string;

function modelsFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "readnext-models-"));
  cpSync(ICH, path.join(dir, "ich-headct"), { recursive: true });
  // A second version whose .onnx was changed after its manifest was written.
  cpSync(ICH, path.join(dir, "ich-headct-tampered"), { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(dir, "ich-headct-tampered/manifest.json"), "utf8")) as {
    version: string;
  };
  manifest.version = "1.0.1";
  writeFileSync(path.join(dir, "ich-headct-tampered/manifest.json"), JSON.stringify(manifest));
  const bytes = readFileSync(path.join(dir, "ich-headct-tampered/model.onnx"));
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
  writeFileSync(path.join(dir, "ich-headct-tampered/model.onnx"), bytes);
  // Not JSON at all.
  mkdirSync(path.join(dir, "broken"));
  writeFileSync(path.join(dir, "broken/manifest.json"), "{ not json");
  // Training scripts and such: no manifest, not a model.
  mkdirSync(path.join(dir, "training"));
  return dir;
}

beforeAll(async () => {
  modelsDir = modelsFolder();
  registry = await ModelRegistry.load(modelsDir, { threads: 1, executionProvider: "cpu" });
});
afterAll(async () => {
  await registry?.release();
  if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await resetDatabase();
});

async function study(
  sourceId: string,
  uid: string,
  series: { modality: string; bodyPart: string; numberOfInstances: number }[],
) {
  return testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: uid,
      modalities: series.map((s) => s.modality),
      dueAt: new Date(),
      series: { create: series.map((s, i) => ({ seriesInstanceUid: `${uid}.${i}`, ...s })) },
    },
  });
}
const source = () =>
  createSource(testDb(), null, {
    name: `S${Math.random()}`,
    baseUrl: "http://127.0.0.1:9/dicom-web",
    authType: "none",
    timeoutMs: 1000,
    capabilities: {},
    locationTag: "00380300",
    backfillDays: 1,
    syncIntervalSeconds: 60,
    enabled: false,
  });

describe("model registry", () => {
  it("loads the good model, refuses the tampered and the broken one by name, and records all three", async () => {
    expect(registry.loaded.map((m) => `${m.manifest.id} ${m.manifest.version}`)).toEqual(["ich-headct 1.0.0"]);
    expect(registry.refused.map((r) => [r.modelId, r.version])).toEqual([
      ["broken", "unknown"],
      ["ich-headct", "1.0.1"],
    ]);
    expect(registry.refused[1]!.reason).toMatch(/sha256 of model\.onnx is [0-9a-f]{64}, the manifest says/);
    expect(registry.refused[0]!.reason).toMatch(/cannot read manifest\.json/);
    await registry.record(testDb());
    const listed = await listModels(testDb());
    expect(listed.map((m) => [m.modelId, m.version, m.enabled, m.loadError === null])).toEqual([
      ["broken", "unknown", true, false],
      ["ich-headct", "1.0.1", true, false],
      ["ich-headct", "1.0.0", true, true],
    ]);
    expect((await registry.refreshActive(testDb())).map((m) => m.manifest.version)).toEqual(["1.0.0"]);
  });

  it("admins disable and re-enable a model and set site thresholds, audited; a refused model cannot be enabled", async () => {
    await registry.record(testDb());
    const admin = await makeUser(["admin"]);
    const good = await testDb().aiModel.findFirstOrThrow({ where: { modelId: "ich-headct", version: "1.0.0" } });
    const refused = await testDb().aiModel.findFirstOrThrow({ where: { version: "1.0.1" } });

    await setModelEnabled(testDb(), admin.id, good.id, false);
    expect(await registry.refreshActive(testDb())).toEqual([]);
    expect(registry.get("ich-headct", "1.0.0")).toBeUndefined();
    await setModelEnabled(testDb(), admin.id, good.id, true);
    await expect(setModelEnabled(testDb(), admin.id, refused.id, true)).rejects.toThrow(
      /refused by the workers: .*sha256/,
    );

    await setModelThresholds(testDb(), admin.id, good.id, { critical: 0.8, urgent: 0.4 });
    const [active] = await registry.refreshActive(testDb());
    expect(active!.manifest.outputs[0]).toMatchObject({ criticalThreshold: 0.8, urgentThreshold: 0.4 });
    await expect(setModelThresholds(testDb(), admin.id, good.id, { critical: null, urgent: 0.6 })).rejects.toThrow(
      /must be below the critical threshold \(0\.5\)/,
    );
    await setModelThresholds(testDb(), admin.id, good.id, { critical: null, urgent: null });
    expect((await registry.refreshActive(testDb()))[0]!.manifest.outputs[0]).toMatchObject({
      criticalThreshold: 0.5,
      urgentThreshold: 0.3,
    });

    const audit = await testDb().auditEvent.findMany({ where: { actorId: admin.id }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual([
      "model.disabled",
      "model.enabled",
      "model.thresholds",
      "model.thresholds",
    ]);
    expect(audit[2]!.details).toMatchObject({
      from: { critical: null, urgent: null },
      to: { critical: 0.8, urgent: 0.4 },
    });
  });
});

describe("dispatching score jobs", () => {
  it("queues one job per applicable model and revision, labels the rest 'no applicable model', and queues again after new images", async () => {
    await registry.record(testDb());
    const models = await registry.refreshActive(testDb());
    const s = await source();
    const head = await study(s.id, "1.1", [
      { modality: "CT", bodyPart: "HEAD", numberOfInstances: 30 },
      { modality: "CT", bodyPart: "HEAD", numberOfInstances: 1 },
    ]);
    const knee = await study(s.id, "1.2", [{ modality: "MR", bodyPart: "KNEE", numberOfInstances: 20 }]);
    const sent: ScoreJobData[] = [];
    const send = async (job: ScoreJobData) => void sent.push(job);

    expect(await dispatchScoring(testDb(), models, send)).toEqual({ queued: 1, notApplicable: 1 });
    expect(sent).toEqual([
      { studyId: head.id, revision: 1, modelId: "ich-headct", modelVersion: "1.0.0", expectedModels: 1 },
    ]);
    const kneeRow = await testDb().study.findUniqueOrThrow({ where: { id: knee.id } });
    expect(kneeRow).toMatchObject({ aiStatus: "not_applicable", aiReason: "no model for MR KNEE", scoringRevision: 1 });

    expect(await dispatchScoring(testDb(), models, send)).toEqual({ queued: 0, notApplicable: 0 });
    await testDb().study.update({ where: { id: head.id }, data: { revision: 2 } });
    expect(await dispatchScoring(testDb(), models, send)).toEqual({ queued: 1, notApplicable: 0 });
    expect(sent[1]).toMatchObject({ studyId: head.id, revision: 2 });
  });

  it("more images after 'not applicable' show 'AI pending' while the new revision is scored; a critical flag stays until replaced", async () => {
    await registry.record(testDb());
    const models = await registry.refreshActive(testDb());
    const s = await source();
    // Orthanc's early intake took the first two images only.
    const early = await study(s.id, "3.1", [{ modality: "CT", bodyPart: "HEAD", numberOfInstances: 2 }]);
    const flagged = await study(s.id, "3.2", [{ modality: "CT", bodyPart: "HEAD", numberOfInstances: 30 }]);
    await testDb().study.update({
      where: { id: flagged.id },
      data: { aiStatus: "critical", aiFinding: "intracranial-bleed", aiProbability: 0.97, scoringRevision: 1 },
    });
    expect(await dispatchScoring(testDb(), models, async () => undefined)).toEqual({ queued: 0, notApplicable: 1 });
    expect(await testDb().study.findUniqueOrThrow({ where: { id: early.id } })).toMatchObject({
      aiStatus: "not_applicable",
      aiReason: "ich-headct: 2 instances, fewer than 12",
    });

    await testDb().series.updateMany({ where: { studyId: early.id }, data: { numberOfInstances: 30 } });
    await testDb().study.updateMany({ where: { id: { in: [early.id, flagged.id] } }, data: { revision: 2 } });
    expect(await dispatchScoring(testDb(), models, async () => undefined)).toEqual({ queued: 2, notApplicable: 0 });
    expect(await testDb().study.findUniqueOrThrow({ where: { id: early.id } })).toMatchObject({
      aiStatus: null,
      aiReason: null,
      scoringRevision: 2,
    });
    expect(await testDb().study.findUniqueOrThrow({ where: { id: flagged.id } })).toMatchObject({
      aiStatus: "critical",
      aiProbability: 0.97,
      scoringRevision: 2,
    });
  });

  it("marks each study at its own revision, records 'not applicable' with its audit and due time, sends shadow versions jobs of their own, and takes an 'AI unavailable' study back to pending", async () => {
    await registry.record(testDb());
    const [live] = await registry.refreshActive(testDb());
    const shadow = { ...live!, shadow: true, manifest: { ...live!.manifest, version: "2.0.0" } };
    const s = await source();
    const headSeries = [{ modality: "CT", bodyPart: "HEAD", numberOfInstances: 30 }];
    const atThree = await study(s.id, "4.1", headSeries);
    await testDb().study.update({ where: { id: atThree.id }, data: { revision: 3 } });
    const atOne = await study(s.id, "4.2", headSeries);
    const noSeries = await study(s.id, "4.3", []);
    const wasUnavailable = await study(s.id, "4.4", headSeries);
    await testDb().study.update({
      where: { id: wasUnavailable.id },
      data: { aiStatus: "unavailable", aiReason: "the PACS timed out", revision: 2, scoringRevision: 1 },
    });
    const sent: ScoreJobData[] = [];
    expect(await dispatchScoring(testDb(), [live!, shadow], async (job) => void sent.push(job))).toEqual({
      queued: 6,
      notApplicable: 1,
    });
    // Per head CT: the shadow version's job (not counted in the verdict) and the live one.
    expect(sent.filter((j) => j.studyId === atThree.id)).toEqual([
      {
        studyId: atThree.id,
        revision: 3,
        modelId: "ich-headct",
        modelVersion: "2.0.0",
        expectedModels: 0,
        shadow: true,
      },
      { studyId: atThree.id, revision: 3, modelId: "ich-headct", modelVersion: "1.0.0", expectedModels: 1 },
    ]);
    const row = (id: string) => testDb().study.findUniqueOrThrow({ where: { id } });
    expect((await row(atThree.id)).scoringRevision).toBe(3);
    expect((await row(atOne.id)).scoringRevision).toBe(1);
    expect(await row(wasUnavailable.id)).toMatchObject({ aiStatus: null, aiReason: null, scoringRevision: 2 });

    // No series: not applicable, said so, audited, and its due time recomputed from the SLA table
    // (no order priority, no location: 480 min after arrival) in place of the placeholder.
    const empty = await row(noSeries.id);
    expect(empty).toMatchObject({
      aiStatus: "not_applicable",
      aiReason: "the PACS listed no series",
      scoringRevision: 1,
    });
    expect(empty.dueAt!.getTime() - empty.firstSeenAt.getTime()).toBe(480 * 60_000);
    expect(
      await testDb().auditEvent.findMany({ where: { studyId: noSeries.id }, select: { action: true, details: true } }),
    ).toEqual([{ action: "study.not-applicable", details: { revision: 1, reason: "the PACS listed no series" } }]);
  });

  it("with every model disabled, a head CT says so instead of waiting for AI forever", async () => {
    const s = await source();
    const head = await study(s.id, "2.1", [{ modality: "CT", bodyPart: "HEAD", numberOfInstances: 30 }]);
    await dispatchScoring(testDb(), [], async () => undefined);
    expect(await testDb().study.findUniqueOrThrow({ where: { id: head.id } })).toMatchObject({
      aiStatus: "not_applicable",
      aiReason: "no model is enabled",
    });
  });
});

describe("results, feedback and metrics", () => {
  it("stores a result once, pins a critical study, takes a radiologist's confirm / dismiss, and counts it all in /metrics", async () => {
    const s = await source();
    const head = await study(s.id, "3.1", [{ modality: "CT", bodyPart: "HEAD", numberOfInstances: 30 }]);
    const job = { studyId: head.id, revision: 1, modelId: "ich-headct", modelVersion: "1.0.0", expectedModels: 1 };
    const stored = await storeAiResult(testDb(), job, {
      status: "SCORED",
      probability: 0.93,
      finding: "intracranial-bleed",
      critical: true,
      timings: { fetchMs: 100, decodeMs: 50, inferenceMs: 200, totalMs: 350 },
    });
    expect(stored).toMatchObject({ critical: true });
    expect(
      await storeAiResult(testDb(), job, { status: "SCORED", probability: 0.1, finding: "intracranial-bleed" }),
    ).toBeNull();
    const row = await testDb().study.findUniqueOrThrow({ where: { id: head.id } });
    expect(row).toMatchObject({ aiStatus: "critical", aiProbability: 0.93, aiModelId: "ich-headct" });
    // Pinned from the moment the AI flagged it.
    expect(row.pinnedAt).toEqual(row.scoredAt);
    expect(row.scoredAt).not.toBeNull();

    const reader = await makeUser(["radiologist"]);
    await giveAiFeedback(testDb(), reader, { aiResultId: stored!.id, verdict: "confirmed" });
    await giveAiFeedback(testDb(), reader, {
      aiResultId: stored!.id,
      verdict: "dismissed",
      comment: "calcified falx, not blood",
    });
    const feedback = await testDb().aiFeedback.findMany();
    expect(feedback).toHaveLength(1);
    expect(feedback[0]).toMatchObject({ verdict: "dismissed", comment: "calcified falx, not blood" });
    expect(
      (await testDb().auditEvent.findMany({ where: { actorId: reader.id }, orderBy: { at: "asc" } })).map(
        (a) => a.action,
      ),
    ).toEqual(["study.ai-confirmed", "study.ai-dismissed"]);

    const text = await buildMetricsRegistry(testDb()).metrics();
    expect(text).toContain('readnext_ai_results_total{model="ich-headct",version="1.0.0",status="SCORED"} 1');
    expect(text).toContain('readnext_scoring_seconds_total{model="ich-headct",version="1.0.0",phase="inference"} 0.2');
    expect(text).toContain('readnext_open_studies{ai="critical"} 1');
    expect(text).toMatch(/readnext_score_jobs\{state="created"\} \d+/);
    expect(text).toMatch(/# TYPE readnext_ai_results_total counter/);
    // Counters never go down: a purged study's results stay counted.
    await testDb().study.delete({ where: { id: head.id } });
    expect(await buildMetricsRegistry(testDb()).metrics()).toContain(
      'readnext_ai_results_total{model="ich-headct",version="1.0.0",status="SCORED"} 1',
    );
  });

  it("a webhook delivery that keeps failing shows on the admin page with the receiver's answer, and in /metrics", async () => {
    const s = await source();
    const head = await study(s.id, "4.1", [{ modality: "CT", bodyPart: "HEAD", numberOfInstances: 30 }]);
    await testDb().study.update({ where: { id: head.id }, data: { accessionNumber: "PAGE-1" } });
    const stored = await storeAiResult(
      testDb(),
      { studyId: head.id, revision: 1, modelId: "ich-headct", modelVersion: "1.0.0", expectedModels: 1 },
      { status: "SCORED", probability: 0.95, finding: "intracranial-bleed", critical: true },
    );
    expect(await webhookStatus(testDb(), undefined)).toMatchObject({ configured: false, target: null });

    const boss = await startJobQueue(env().DATABASE_URL!, { maintenanceSeconds: 3600 });
    try {
      await boss.deleteQueue(WEBHOOK_QUEUE).catch(() => undefined);
      await boss.createQueue(WEBHOOK_QUEUE);
      const id = await boss.send(WEBHOOK_QUEUE, { aiResultId: stored!.id }, { retryLimit: 0 });
      const [job] = await boss.fetch(WEBHOOK_QUEUE);
      expect(job?.id).toBe(id);
      // What a worker's handler does when the receiver answers 503 and no retries are left.
      await boss.fail(WEBHOOK_QUEUE, id!, new Error("webhook answered HTTP 503"));

      const status = await webhookStatus(testDb(), "https://pager.hospital.example/hooks/readnext?token=abc");
      expect(status).toMatchObject({ configured: true, target: "pager.hospital.example", queue: { failed: 1 } });
      expect(status.problems).toEqual([
        expect.objectContaining({
          state: "failed",
          retries: 0,
          error: "webhook answered HTTP 503",
          accessionNumber: "PAGE-1",
        }),
      ]);
      expect(await buildMetricsRegistry(testDb()).metrics()).toContain('readnext_webhook_jobs{state="failed"} 1');
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});

describe("AI accuracy for chairs and the what-if prefill", () => {
  it("counts each result once by its latest feedback, and the what-if uses measured figures once enough results were reviewed", async () => {
    const s = await source();
    const readers = [await makeUser(["radiologist"]), await makeUser(["radiologist"])];
    const now = Date.now();
    // 60 read CT head studies in the last days: 24 flagged (20 confirmed, 4 dismissed), 36 not (30 agreed, 6 missed).
    await testDb().study.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        id: `acc-${i}`,
        sourceId: s.id,
        studyInstanceUid: `9.${i}`,
        modalities: ["CT"],
        orderPriority: "ROUTINE" as const,
        patientLocation: "ED" as const,
        firstSeenAt: new Date(now - (i + 1) * 3600_000),
        readingState: "READ" as const,
        readAt: new Date(now - i * 3600_000),
        claimedAt: new Date(now - i * 3600_000 - 600_000),
        // Due 90 min after arrival for the first 45 (read after 60: in time), 30 min for the next 10 (late), unknown for the rest.
        dueAtWhenRead:
          i < 45
            ? new Date(now - (i + 1) * 3600_000 + 90 * 60_000)
            : i < 55
              ? new Date(now - (i + 1) * 3600_000 + 30 * 60_000)
              : null,
        aiStatus: i < 24 ? ("critical" as const) : ("negative" as const),
      })),
    });
    await testDb().aiResult.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        id: `res-${i}`,
        studyId: `acc-${i}`,
        modelId: "ich-headct",
        modelVersion: "1.0.0",
        studyRevision: 1,
        status: "SCORED" as const,
        probability: i < 24 ? 0.9 : 0.1,
        critical: i < 24,
      })),
    });
    const verdict = (i: number) => (i < 20 ? "confirmed" : i < 24 ? "dismissed" : i < 54 ? "confirmed" : "dismissed");
    // The first reader said the opposite first and then changed their mind on result 0: the later word counts.
    await testDb().aiFeedback.create({
      data: { aiResultId: "res-0", userId: readers[1]!.id, verdict: "dismissed", at: new Date(now - 60_000) },
    });
    await testDb().aiFeedback.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        aiResultId: `res-${i}`,
        userId: readers[0]!.id,
        verdict: verdict(i) as "confirmed" | "dismissed",
      })),
    });

    const [acc] = await aiAccuracy(testDb(), from(new Date(now - 30 * 24 * 3600_000)));
    expect(acc).toMatchObject({
      modelId: "ich-headct",
      scored: 60,
      flagged: 24,
      truePositive: 20,
      falsePositive: 4,
      trueNegative: 30,
      falseNegative: 6,
      reviewed: 60,
    });
    expect(acc!.sensitivity).toBeCloseTo(20 / 26);
    expect(acc!.specificity).toBeCloseTo(30 / 34);

    const prefill = await prefillScenario(testDb());
    expect(prefill.scenario.ai).toEqual({ sensitivity: 0.769, specificity: 0.882 });
    // The one class (CT, ROUTINE, ED): 24 of 60 flagged, so 40%, of which some are false flags. Rogan–Gladen
    // by hand: (0.4 + 0.882 − 1) / (0.769 + 0.882 − 1) = 0.282 / 0.651 = 0.433.
    expect(prefill.scenario.classes).toHaveLength(1);
    expect(prefill.scenario.classes[0]).toMatchObject({ screened: true, criticalPrevalence: 0.433 });
    expect(prefill.basis.join(" ")).toContain(
      "sensitivity 0.769 measured from 26 reviewed results, specificity 0.882 measured from 34 reviewed results",
    );

    const summary = await throughputSummary(testDb(), new Date(now + 1000), 24 * 3);
    expect(summary.criticalRead).toBe(24);
    expect(summary.medianCriticalTurnaroundMinutes).toBeCloseTo(60, 0);
    expect(summary).toMatchObject({ readWithDueTime: 55, readByDueTime: 45 });
  });

  it("simulates with the site's saved SLA table, AI targets and wait cap, also when it falls back to the example department", async () => {
    const admin = await makeUser(["admin"]);
    const config = {
      ...DEFAULT_PRIORITY_CONFIG,
      sla: { ...DEFAULT_PRIORITY_CONFIG.sla, ROUTINE: { ED: 45, INPATIENT: 90, OUTPATIENT: 600, UNKNOWN: 300 } },
      aiCriticalTargetMinutes: 10,
      maxWaitMinutes: null,
    };
    await saveSetting(testDb(), admin.id, "priority", config);
    const prefill = await prefillScenario(testDb());
    expect(prefill.basis.join(" ")).toMatch(/too few/);
    expect(prefill.scenario.priority).toEqual(config);
    expect(prefill.basis.join(" ")).toContain("AI targets (critical 10 min, urgent 1 h) and wait cap (none)");
  });
});

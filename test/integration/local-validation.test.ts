import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateStudy, type SyntheticStudy } from "@/lib/synthetic/studies";
import { readPart10 } from "@/lib/dicom/part10";
import { Random } from "@/lib/random";
import { DicomWebAdapter } from "@/server/pacs/dicomweb-adapter";
import { configForUrl } from "@/server/pacs/source-config";
import { createSource, type SourceInput } from "@/server/pacs/pacs-sources";
import { loadModel, scoreSeries, type LoadedModel } from "@/server/models/model-session";
import { ModelRegistry } from "@/server/models/model-registry";
import {
  getValidation,
  localValidationSection,
  runValidation,
  startValidation,
} from "@/server/models/local-validation";
import { resetDatabase, testDb } from "../support/db";
import { startTestOrthanc } from "../support/orthanc";
import { startPacsProxy } from "../support/pacs-proxy";

type Orthanc = Awaited<ReturnType<typeof startTestOrthanc>>;
let orthanc: Orthanc;
let model: LoadedModel;
let seed = 90_000;

const source = (name: string, baseUrl: string): SourceInput => ({
  name,
  baseUrl,
  authType: "none",
  timeoutMs: 30_000,
  locationTag: "00380300",
  backfillDays: 2,
  syncIntervalSeconds: 3600,
  // Not synced: the labelled studies are fetched by validation alone, as a site's old studies would be.
  enabled: true,
  capabilities: {},
});

/** The AUC by its definition, over every (positive, negative) pair; ties count one half. */
function pairwiseAuc(cases: { p: number; label: number }[]): number {
  const pos = cases.filter((c) => c.label === 1);
  const neg = cases.filter((c) => c.label === 0);
  let wins = 0;
  for (const a of pos) for (const b of neg) wins += a.p > b.p ? 1 : a.p === b.p ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

/** A plain percentile bootstrap, resampling all cases (not stratified), with its own generator. */
function independentBootstrap(cases: { p: number; label: number }[], iterations = 2000): [number, number] {
  const random = new Random(424242);
  const aucs: number[] = [];
  while (aucs.length < iterations) {
    const sample = Array.from({ length: cases.length }, () => cases[random.int(0, cases.length - 1)]!);
    if (sample.some((c) => c.label === 1) && sample.some((c) => c.label === 0)) aucs.push(pairwiseAuc(sample));
  }
  aucs.sort((a, b) => a - b);
  return [aucs[Math.floor(0.025 * iterations)]!, aucs[Math.ceil(0.975 * iterations) - 1]!];
}

const headCt = (finding: "none" | "positive") =>
  generateStudy({
    seed: seed++,
    kind: "head-ct",
    finding,
    sliceCount: 14,
    size: 64,
    studyDateTime: new Date("2026-06-01T10:00:00Z"),
    priority: "ROUTINE",
    location: "OUTPATIENT CLINIC",
  });

/** The model's score of a study straight from its generated images: no PACS, no ReadNext lookup. */
async function directScore(study: SyntheticStudy): Promise<number> {
  const axial = study.instances.filter((b) => !String(readPart10(b).ImageType).includes("LOCALIZER"));
  return (await scoreSeries(model, axial)).probability;
}

let studies: SyntheticStudy[];
let chest: SyntheticStudy;

beforeAll(async () => {
  orthanc = await startTestOrthanc();
  model = await loadModel("models/ich-headct", { threads: 1 });
  studies = [
    ...Array.from({ length: 9 }, () => headCt("positive")),
    ...Array.from({ length: 9 }, () => headCt("none")),
  ];
  chest = generateStudy({
    seed: seed++,
    kind: "chest-xr",
    finding: "none",
    size: 256,
    studyDateTime: new Date("2026-06-01T10:00:00Z"),
    priority: "ROUTINE",
    location: "OUTPATIENT CLINIC",
  });
  const adapter = new DicomWebAdapter(configForUrl(orthanc.dicomWebUrl, { timeoutMs: 60_000 }));
  for (const s of [...studies, chest]) await adapter.storeInstances(s.instances);
}, 180_000);
afterAll(async () => {
  await model?.inference.release();
  await orthanc?.stop();
});
beforeEach(async () => {
  await resetDatabase();
  const registry = await ModelRegistry.load("models", { threads: 1, executionProvider: "cpu" });
  await registry.record(testDb());
  await registry.release();
});

describe("validation on the site's own labelled studies (models:validate-local)", () => {
  it("scores every row through the PACS path, reports AUC and CI as an independent computation does, lists every row it could not use, and resumes after an interruption", async () => {
    // A PACS that answers 503 for one study's series listing, every time.
    const failing = studies[17]!;
    const proxy = await startPacsProxy(orthanc.baseUrl, (req) =>
      req.url.includes(`/studies/${failing.studyInstanceUid}/series`) ? { status: 503 } : undefined,
    );
    try {
      await createSource(testDb(), null, source("Archive", proxy.dicomWebUrl));
      // The site's labels disagree with the generator on four studies (its reports say otherwise):
      // the AUC is not 1, and the interval has a width to check.
      const flipped = new Set([0, 1, 9, 10]);
      const label = (i: number) => (i < 9 ? 1 : 0) ^ (flipped.has(i) ? 1 : 0);
      const lines = ["StudyInstanceUID,accession,label,subgroup"];
      studies.forEach((s, i) =>
        lines.push(
          i % 3 === 0
            ? `,${s.accessionNumber},${label(i)},${i % 2 ? "scanner-b" : "scanner-a"}`
            : `${s.studyInstanceUid},,${label(i)},${i % 2 ? "scanner-b" : "scanner-a"}`,
        ),
      );
      lines.push(`${studies[2]!.studyInstanceUid},,1,scanner-a`); // line 20: the same study again
      lines.push("1.2.826.0.1.999999.1,,1,"); // line 21: not on the PACS
      lines.push(`${chest.studyInstanceUid},,0,`); // line 22: a chest radiograph: not for this model
      lines.push(`${studies[3]!.accessionNumber}9,,maybe,`); // line 23: a label that is not 0/1
      const csv = lines.join("\n");

      const started = await startValidation(testDb(), {
        modelId: "ich-headct",
        version: "1.0.0",
        labelsName: "site-labels.csv",
        labelsText: csv,
        targetSensitivity: 0.9,
        actorId: null,
        runBy: "cli",
      });
      expect(started.resumed).toBe(false);

      // Interrupted after five rows (a crash, Ctrl-C)...
      let seen = 0;
      await expect(
        runValidation(testDb(), started.id, model, {
          pacsPauseMs: 5,
          onProgress: () => {
            if (++seen === 5) throw new Error("interrupted");
          },
        }),
      ).rejects.toThrow("interrupted");
      const partway = await testDb().modelValidation.findUniqueOrThrow({ where: { id: started.id } });
      expect(partway.status).toBe("RUNNING");
      // ...and picked up by running the same file again: the five stay done.
      const again = await startValidation(testDb(), {
        modelId: "ich-headct",
        version: "1.0.0",
        labelsName: "site-labels.csv",
        labelsText: csv,
        actorId: null,
        runBy: "cli",
      });
      expect(again).toEqual({ id: started.id, resumed: true });
      const progress: number[] = [];
      expect(
        await runValidation(testDb(), started.id, model, { pacsPauseMs: 5, onProgress: (d) => progress.push(d) }),
      ).toBe("done");
      expect(progress[0]).toBe(partway.done + 1);
      expect(progress.at(-1)).toBe(22);

      const run = await getValidation(testDb(), started.id);
      expect(run.status).toBe("DONE");
      expect(run.summary!.rows).toEqual({ total: 22, scored: 17, notApplicable: 1, failed: 2, invalid: 2 });
      expect(run.problems.map((p) => [p.line, p.status])).toEqual([
        [19, "FAILED"],
        [20, "INVALID"],
        [21, "FAILED"],
        [22, "NOT_APPLICABLE"],
        [23, "INVALID"],
      ]);
      expect(run.problems.find((p) => p.line === 19)!.reason).toMatch(/^PACS: .*503/);
      expect(run.problems.find((p) => p.line === 20)!.reason).toBe("the same study as line 4");
      expect(run.problems.find((p) => p.line === 21)!.reason).toMatch(/^not found on any enabled PACS source/);

      // Each scored row has the score the model gives the study's own images.
      const cases = await testDb().modelValidationCase.findMany({
        where: { validationId: started.id, status: "SCORED" },
        orderBy: { line: "asc" },
      });
      expect(cases).toHaveLength(17);
      for (const c of cases) expect(c.probability).toBeCloseTo(await directScore(studies[c.line - 2]!), 5);

      // The figures, against an independent computation on (direct score, site label).
      const truth = await Promise.all(
        studies.slice(0, 17).map(async (s, i) => ({ p: await directScore(s), label: label(i) })),
      );
      const summary = run.summary!;
      expect(summary.auc).toBeCloseTo(pairwiseAuc(truth), 10);
      expect(summary.auc).toBeLessThan(1);
      const [low, high] = independentBootstrap(truth);
      expect(Math.abs(summary.aucInterval!.low - low)).toBeLessThan(0.08);
      expect(Math.abs(summary.aucInterval!.high - high)).toBeLessThan(0.08);
      const positives = truth.filter((t) => t.label === 1);
      const negatives = truth.filter((t) => t.label === 0);
      expect(summary.atThreshold.sensitivity).toBeCloseTo(
        positives.filter((t) => t.p >= 0.5).length / positives.length,
        10,
      );
      expect(summary.atThreshold.specificity).toBeCloseTo(
        negatives.filter((t) => t.p < 0.5).length / negatives.length,
        10,
      );
      expect(summary.forTargetSensitivity!.sensitivity).toBeGreaterThanOrEqual(0.9);
      expect(summary.subgroups.map((g) => [g.subgroup, g.cases])).toEqual([
        ["scanner-a", truth.filter((_, i) => i % 2 === 0).length],
        ["scanner-b", truth.filter((_, i) => i % 2 === 1).length],
      ]);
      expect(summary.msPerStudy!.median).toBeGreaterThan(0);

      // The model card shows it after the manifest's claims.
      expect(await localValidationSection(testDb(), "ich-headct")).toMatch(
        /## Local validation: ich-headct 1\.0\.0[\s\S]*AUC 0\.\d{3} \(95% CI 0\.\d{3}–[01]\.\d{3}\) on 17 studies/,
      );
    } finally {
      await proxy.stop();
    }
  }, 240_000);

  it("a labels file that cannot be read is refused whole; a model version nobody has is named", async () => {
    await expect(
      startValidation(testDb(), {
        modelId: "ich-headct",
        version: "1.0.0",
        labelsName: "x.csv",
        labelsText: "patient,label\nA,1\n",
        actorId: null,
        runBy: "cli",
      }),
    ).rejects.toThrow(/x\.csv: the first line must name the columns/);
    await expect(
      startValidation(testDb(), {
        modelId: "ich-headct",
        version: "9.9.9",
        labelsName: "x.csv",
        labelsText: "uid,label\n1.2,1\n",
        actorId: null,
        runBy: "cli",
      }),
    ).rejects.toThrow(/ich-headct@9\.9\.9/);
    expect(await testDb().modelValidation.count()).toBe(0);
  });
});

// npm run bench -- scoring: (1) STOW-RS of a 32-slice 512×512 positive head CT into Orthanc →
// the study pinned first in the worklist API, through a real worker process (change feed,
// queue, WADO-RS, pipeline, ONNX, store); (2) the scoring pipeline's time per study
// (Part 10 bytes → tensor → ONNX → aggregation) next to raw onnxruntime on the same tensors;
// (3) fetching a 240-slice series' sampled slices vs the whole series.
import * as ort from "onnxruntime-node";
import { createTestDatabase } from "../test/support/test-database";
import { startTestOrthanc } from "../test/support/orthanc";
import { spawnWorker } from "../test/support/worker-process";
import { createDb } from "../server/db/client";
import { createBenchSource } from "./orthanc-source";
import { createUser } from "../server/users/users";
import { listWorklist } from "../server/worklist/list-worklist";
import { DicomWebAdapter } from "../server/pacs/dicomweb-adapter";
import { sourceConfigFromRow } from "../server/pacs/source-config";
import { loadModel, scoreSeries } from "../server/models/model-session";
import { prepareInput } from "../lib/models/preprocess";
import { generateStudy } from "../lib/synthetic/studies";
import { NO_FILTERS } from "../lib/worklist-filters";
import { summarise } from "./summarise";
import { fetchSeriesForModel } from "../server/scoring/fetch-series";

const runs = Number(process.env.RUNS ?? 10);
// The worker's default (env.ts); the pipeline-vs-raw comparison is made at 1 and 2 threads.
const threads = Number(process.env.SCORING_THREADS ?? 1);
const positive = (seed: number) =>
  generateStudy({
    seed,
    kind: "head-ct",
    finding: "ich-subdural",
    sliceCount: 32,
    size: 512,
    studyDateTime: new Date(),
    withLocalizer: false,
  });

// ---- (2) pipeline vs raw onnxruntime, in this process -------------------------------------
// For each onnxruntime thread count: the pipeline first, then raw onnxruntime with the
// pipeline's model released (so neither shares the CPU with the other's idle thread pool),
// with the same threads, on the same tensors, in whichever batch size is fastest for it.
async function pipelineVsRaw(threads: number) {
  const model = await loadModel("models/ich-headct", { threads });
  const pipeline: number[] = [];
  const tensors: { data: Float32Array; dims: [number, number, number, number] }[] = [];
  for (let i = 0; i < runs; i++) {
    const study = positive(70_000 + i);
    await scoreSeries(model, study.instances); // warm caches for this study's size
    const t = performance.now();
    await scoreSeries(model, study.instances);
    pipeline.push(performance.now() - t);
    const input = prepareInput(study.instances, model.manifest);
    tensors.push({ data: input.tensor, dims: input.dims });
  }
  // Two jobs at once (SCORING_CONCURRENCY's default) sharing the model, as in a busy worker.
  const studies = Array.from({ length: runs * 2 }, (_, i) => positive(70_000 + (i % runs)));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    [0, 1].map(async () => {
      while (next < studies.length) await scoreSeries(model, studies[next++]!.instances);
    }),
  );
  const twoJobsStudiesPerSecond = Math.round((studies.length / ((performance.now() - t0) / 1000)) * 10) / 10;
  const inputName = model.manifest.input.name;
  await model.inference.release();
  const rawSession = await ort.InferenceSession.create("models/ich-headct/model.onnx", { intraOpNumThreads: threads });
  const rawRun = async ({ data, dims: [n, c, h, w] }: (typeof tensors)[number], batch: number) => {
    for (let start = 0; start < n; start += batch) {
      const count = Math.min(batch, n - start);
      await rawSession.run({
        [inputName]: new ort.Tensor("float32", data.subarray(start * c * h * w, (start + count) * c * h * w), [
          count,
          c,
          h,
          w,
        ]),
      });
    }
  };
  const rawByBatch: Record<number, number[]> = {};
  for (const batch of [4, 8, 16, 32]) {
    rawByBatch[batch] = [];
    for (const tensor of tensors) {
      await rawRun(tensor, batch); // warm
      const t = performance.now();
      await rawRun(tensor, batch);
      rawByBatch[batch]!.push(performance.now() - t);
    }
  }
  await rawSession.release();
  const medians = Object.fromEntries(Object.entries(rawByBatch).map(([b, t]) => [b, summarise(t).median]));
  const [bestBatch] = Object.entries(medians).sort((a, b) => a[1] - b[1])[0]!;
  const pipelineMs = summarise(pipeline);
  const rawMs = summarise(rawByBatch[Number(bestBatch)]!);
  return {
    threads,
    twoJobsStudiesPerSecond,
    pipelineMs,
    rawOrtMs: { batch: Number(bestBatch), ...rawMs },
    rawOrtMedianByBatch: medians,
    ratioMedian: Math.round((pipelineMs.median / rawMs.median) * 100) / 100,
  };
}
const byThreads = [];
for (const t of [1, 2]) byThreads.push(await pipelineVsRaw(t));

// ---- (1) STOW → pinned first, through a worker process ------------------------------------
const database = await createTestDatabase("bench_scoring");
process.env.DATABASE_URL = database.url;
const orthanc = await startTestOrthanc();
const db = createDb(database.url);
const source = await createBenchSource(db, orthanc.dicomWebUrl);
const reader = await createUser(db, null, {
  name: "Bench Reader",
  email: "bench@readnext.local",
  password: "bench-password-1",
  roles: ["radiologist"],
});
const worker = spawnWorker({
  SCORING_THREADS: String(threads),
  INGEST_TICK_MS: process.env.INGEST_TICK_MS ?? "250",
  LOG_LEVEL: "info",
});
await worker.waitForLog((l) => l.msg === "scoring started", 60_000);
while ((await db.pacsSource.findUniqueOrThrow({ where: { id: source.id } })).changeFeedCursor === null)
  await new Promise((r) => setTimeout(r, 100));
const adapter = new DicomWebAdapter(sourceConfigFromRow({ ...source, secret: null }));

const latencies: number[] = [];
const phases: Record<string, number[]> = { arrivedMs: [], fetchMs: [], decodeMs: [], inferenceMs: [] };
for (let i = 0; i < runs; i++) {
  const study = positive(80_000 + i);
  await adapter.storeInstances(study.instances);
  const stored = performance.now();
  let arrived = 0;
  for (;;) {
    const { rows } = await listWorklist(db, reader.id, { filters: NO_FILTERS, limit: 1, offset: 0 });
    if (!arrived && (await db.study.count({ where: { studyInstanceUid: study.studyInstanceUid } })))
      arrived = performance.now() - stored;
    if (rows[0]?.studyInstanceUid === study.studyInstanceUid && rows[0].pinned && rows[0].critical) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  latencies.push(performance.now() - stored);
  phases.arrivedMs!.push(arrived);
  const result = await db.aiResult.findFirstOrThrow({ where: { study: { studyInstanceUid: study.studyInstanceUid } } });
  const timings = result.timings as Record<string, number>;
  for (const k of ["fetchMs", "decodeMs", "inferenceMs"]) phases[k]!.push(timings[k]!);
  // Read it, so the next positive is the only pin.
  await db.study.updateMany({
    where: { studyInstanceUid: study.studyInstanceUid },
    data: { readingState: "READ", readAt: new Date(), dueAt: null, pinnedAt: null, capAt: null },
  });
}
await worker.stop();

// ---- (3) a long series: the slices the model samples vs the whole series, over WADO-RS ------
const thin = generateStudy({
  seed: 90_000,
  kind: "head-ct",
  finding: "ich-subdural",
  sliceCount: 240,
  size: 512,
  studyDateTime: new Date(),
  withLocalizer: false,
});
await adapter.storeInstances(thin.instances);
const [thinSeries] = await adapter.searchSeries(thin.studyInstanceUid);
const thinUid = String(thinSeries!["0020000E"]!.Value![0]);
const sampledFetch: number[] = [];
const wholeFetch: number[] = [];
for (let i = 0; i < Math.min(runs, 5); i++) {
  let t = performance.now();
  await fetchSeriesForModel(adapter, thin.studyInstanceUid, { seriesInstanceUid: thinUid, numberOfInstances: 240 }, 40);
  sampledFetch.push(performance.now() - t);
  t = performance.now();
  await adapter.retrieveSeriesInstances(thin.studyInstanceUid, thinUid);
  wholeFetch.push(performance.now() - t);
}
await db.$disconnect();
await orthanc.stop();
await database.drop();

console.log(
  JSON.stringify(
    {
      bench: "scoring",
      stowToPinned: {
        what: "STOW-RS of a 32-slice 512×512 positive head CT finished → first and pinned in the worklist API (worker process, Orthanc StableAge 1 s)",
        runs,
        ms: summarise(latencies),
        phasesMedianMs: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, summarise(v).median])),
      },
      longSeriesFetch: {
        what: "a 240-slice 512×512 head CT series over WADO-RS: the 40 slices the model samples (QIDO-RS listing + 40 instance retrieves, 4 at a time) vs the whole series",
        sampledMs: summarise(sampledFetch),
        wholeSeriesMs: summarise(wholeFetch),
      },
      pipelineVsRaw: {
        what: "one 32-slice 512×512 study: Part 10 bytes → tensor → ONNX → aggregation, vs onnxruntime alone on the same tensors, with the same onnxruntime threads",
        runs,
        byThreads,
      },
    },
    null,
    2,
  ),
);
process.exit(0);

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { aggregateSlices, planInput } from "@/lib/models/preprocess";
import { loadCodecs } from "@/lib/dicom/codecs";
import { InferenceThread, type InferenceResult } from "./inference-thread";

export class ModelRefusedError extends Error {}

/** A model ready to score: its manifest, and its onnxruntime session in a thread of its own. */
export type LoadedModel = { manifest: ModelManifest; inference: InferenceThread; dir: string };

/**
 * Loads one models/<id>/ directory: the manifest is validated, the .onnx file's sha256
 * checked against it, and the session's input and output names and shapes compared
 * with the manifest. Any mismatch refuses the model with a message naming the problem.
 */
export async function loadModel(
  dir: string,
  options: { threads?: number; executionProviders?: string[] } = {},
): Promise<LoadedModel> {
  // Series a PACS cannot transcode arrive compressed; the codecs must be ready before scoring.
  await loadCodecs();
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path.join(dir, "manifest.json"), "utf8"));
  } catch (error) {
    throw new ModelRefusedError(`${dir}: cannot read manifest.json (${(error as Error).message})`);
  }
  const checked = validateManifest(json);
  if (!checked.ok) throw new ModelRefusedError(`${dir}: invalid manifest:\n  ${checked.problems.join("\n  ")}`);
  const manifest = checked.manifest;
  const file = path.join(dir, manifest.file.path);
  // Read and checked whenever an inference thread starts (a restarted one too), and handed to
  // it: the worker keeps no copy of the weights beside onnxruntime's.
  const readChecked = async (): Promise<Uint8Array> => {
    const bytes = await readFile(file).catch((e: Error) => {
      throw new ModelRefusedError(`${manifest.id}: cannot read ${file} (${e.message})`);
    });
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    if (sha256 !== manifest.file.sha256)
      throw new ModelRefusedError(
        `${manifest.id}: sha256 of ${manifest.file.path} is ${sha256}, the manifest says ${manifest.file.sha256}: the file was changed or replaced`,
      );
    return bytes;
  };
  const bytes = await readChecked();
  const inference = await InferenceThread.start(bytes, readChecked, {
    intraOpNumThreads: options.threads ?? 1,
    executionProviders: options.executionProviders ?? ["cpu"],
  }).catch((e: Error) => {
    throw new ModelRefusedError(`${manifest.id}: onnxruntime cannot load ${manifest.file.path} (${e.message})`);
  });
  const problems: string[] = [];
  if (!inference.inputNames.includes(manifest.input.name))
    problems.push(`input "${manifest.input.name}" is not in the model (it has ${inference.inputNames.join(", ")})`);
  for (const o of manifest.outputs)
    if (!inference.outputNames.includes(o.name))
      problems.push(`output "${o.name}" is not in the model (it has ${inference.outputNames.join(", ")})`);
  const declared = inference.inputMetadata.find((m) => m.name === manifest.input.name);
  if (declared?.shape) {
    const expected = manifest.input.shape;
    const mismatch =
      declared.shape.length !== expected.length ||
      declared.shape.some((d, i) => typeof d === "number" && expected[i] !== -1 && d !== expected[i]);
    if (mismatch)
      problems.push(
        `input shape in the model is [${declared.shape.join(", ")}], the manifest says [${expected.join(", ")}]`,
      );
  }
  if (problems.length) {
    await inference.release();
    throw new ModelRefusedError(`${manifest.id}: the model does not match its manifest: ${problems.join("; ")}`);
  }
  return { manifest, inference, dir };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export type StudyScore = {
  probability: number;
  keySlice: number;
  keySliceInstanceNumber: number | null;
  keySliceProbability: number;
  sliceProbabilities: number[];
  critical: boolean;
  urgent: boolean;
  timings: { preprocessMs: number; inferenceMs: number };
  /** Modality values of the most suspicious slice at full resolution, for the preview. */
  keySliceImage: { values: Float32Array; rows: number; columns: number } | null;
};

/** Slices per inference batch when the model takes any batch size: small enough that preparing the next overlaps inferring this one. */
const BATCH = 4;

/**
 * Scores one series: pipeline → ONNX (slices in batches) → activation → study-level
 * aggregation. Each batch goes to the model's inference thread as soon as it is prepared,
 * so preparing the next batch overlaps inferring this one.
 */
export async function scoreSeries(model: LoadedModel, instances: Uint8Array[]): Promise<StudyScore> {
  const t0 = performance.now();
  const input = planInput(instances, model.manifest);
  const [n, c, h, w] = input.dims;
  const output = model.manifest.outputs[0]!;
  const fixedBatch = model.manifest.input.shape[0];
  const batchSize = fixedBatch > 0 ? fixedBatch : BATCH;
  const runs: Promise<InferenceResult>[] = [];
  let preprocessMs = performance.now() - t0;
  for (let start = 0; start < n; start += batchSize) {
    const t = performance.now();
    const count = Math.min(batchSize, n - start);
    // A model built for a fixed batch takes only that many: a last, shorter batch is padded
    // with zeros and the padding's outputs are dropped below.
    const runBatch = fixedBatch > 0 ? fixedBatch : count;
    const data =
      runBatch === count
        ? input.fill(start, start + count)
        : input.fill(start, start + count, new Float32Array(runBatch * c * h * w), 0);
    preprocessMs += performance.now() - t;
    runs.push(model.inference.run(model.manifest.input.name, data, [runBatch, c, h, w], [output.name]));
  }
  const all = Promise.all(runs);
  try {
    input.check();
  } catch (error) {
    all.catch(() => undefined); // the batches already sent finish unread
    throw error;
  }
  const results = await all;
  const probabilities: number[] = [];
  results.forEach(({ outputs }, b) => {
    const logits = outputs[output.name]!;
    const count = Math.min(batchSize, n - b * batchSize);
    const perItem = logits.length / (fixedBatch > 0 ? fixedBatch : count);
    for (let i = 0; i < count; i++) {
      const raw = logits[i * perItem + output.index]!;
      probabilities.push(output.activation === "sigmoid" ? sigmoid(raw) : raw);
    }
  });
  const { probability, keySlice } = aggregateSlices(
    probabilities,
    model.manifest.aggregation,
    output.criticalThreshold,
  );
  const keySeriesIndex = input.sliceIndices[keySlice];
  return {
    keySliceImage: keySeriesIndex === undefined ? null : input.modalityValuesAt(keySeriesIndex),
    probability,
    keySlice: input.sliceIndices[keySlice] ?? -1,
    keySliceInstanceNumber: keySeriesIndex === undefined ? null : input.instanceNumberAt(keySeriesIndex),
    keySliceProbability: probabilities[keySlice] ?? 0,
    sliceProbabilities: probabilities,
    critical: probability >= output.criticalThreshold,
    urgent:
      output.urgentThreshold !== undefined &&
      probability >= output.urgentThreshold &&
      probability < output.criticalThreshold,
    // Inference as the thread measured it: it overlaps preprocessing, so the two may add up to more than the wall time.
    timings: { preprocessMs, inferenceMs: results.reduce((sum, r) => sum + r.ms, 0) },
  };
}

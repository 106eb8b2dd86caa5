import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { aggregateSlices, prepareInput } from "@/lib/models/preprocess";
import { loadCodecs } from "@/lib/dicom/codecs";

export class ModelRefusedError extends Error {}

export type LoadedModel = { manifest: ModelManifest; session: ort.InferenceSession; dir: string };

/**
 * Loads one models/<id>/ directory: the manifest is validated, the .onnx file's sha256
 * checked against it, and the session's input and output names and shapes compared
 * with the manifest. Any mismatch refuses the model with a message naming the problem.
 */
export async function loadModel(dir: string, options: { threads?: number; executionProviders?: string[] } = {}): Promise<LoadedModel> {
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
  const bytes = await readFile(file).catch((e: Error) => {
    throw new ModelRefusedError(`${manifest.id}: cannot read ${file} (${e.message})`);
  });
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (sha256 !== manifest.file.sha256) throw new ModelRefusedError(`${manifest.id}: sha256 of ${manifest.file.path} is ${sha256}, the manifest says ${manifest.file.sha256}: the file was changed or replaced`);
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: options.threads ?? 1,
    executionProviders: options.executionProviders ?? ["cpu"],
  });
  const problems: string[] = [];
  if (!session.inputNames.includes(manifest.input.name)) problems.push(`input "${manifest.input.name}" is not in the model (it has ${session.inputNames.join(", ")})`);
  for (const o of manifest.outputs) if (!session.outputNames.includes(o.name)) problems.push(`output "${o.name}" is not in the model (it has ${session.outputNames.join(", ")})`);
  const declared = (session.inputMetadata as unknown as { name: string; shape?: (number | string)[]; isTensor?: boolean }[] | undefined)?.find?.((m) => m.name === manifest.input.name);
  if (declared?.shape) {
    const expected = manifest.input.shape;
    const mismatch = declared.shape.length !== expected.length || declared.shape.some((d, i) => typeof d === "number" && expected[i] !== -1 && d !== expected[i]);
    if (mismatch) problems.push(`input shape in the model is [${declared.shape.join(", ")}], the manifest says [${expected.join(", ")}]`);
  }
  if (problems.length) {
    await session.release();
    throw new ModelRefusedError(`${manifest.id}: the model does not match its manifest: ${problems.join("; ")}`);
  }
  return { manifest, session, dir };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export type StudyScore = {
  probability: number; keySlice: number; keySliceInstanceNumber: number | null; keySliceProbability: number; sliceProbabilities: number[]; critical: boolean; urgent: boolean;
  timings: { preprocessMs: number; inferenceMs: number };
  /** Modality values of the most suspicious slice at full resolution, for the preview. */
  keySliceImage: { values: Float32Array; rows: number; columns: number } | null;
};

/** Scores one series: pipeline → ONNX (slices in batches) → activation → study-level aggregation. */
export async function scoreSeries(model: LoadedModel, instances: Uint8Array[], batchSize = 16): Promise<StudyScore> {
  const t0 = performance.now();
  const input = prepareInput(instances, model.manifest);
  const t1 = performance.now();
  const [n, c, h, w] = input.dims;
  const output = model.manifest.outputs[0]!;
  const probabilities: number[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const data = input.tensor.subarray(start * c * h * w, (start + count) * c * h * w);
    const result = await model.session.run({ [model.manifest.input.name]: new ort.Tensor("float32", data, [count, c, h, w]) });
    const logits = result[output.name]!.data as Float32Array;
    const perItem = logits.length / count;
    for (let i = 0; i < count; i++) {
      const raw = logits[i * perItem + output.index]!;
      probabilities.push(output.activation === "sigmoid" ? sigmoid(raw) : raw);
    }
  }
  const t2 = performance.now();
  const { probability, keySlice } = aggregateSlices(probabilities, model.manifest.aggregation, output.criticalThreshold);
  const keySeriesIndex = input.sliceIndices[keySlice];
  return {
    keySliceImage: keySeriesIndex === undefined ? null : input.modalityValuesAt(keySeriesIndex),
    probability,
    keySlice: input.sliceIndices[keySlice] ?? -1,
    keySliceInstanceNumber: keySeriesIndex === undefined ? null : input.instanceNumberAt(keySeriesIndex),
    keySliceProbability: probabilities[keySlice] ?? 0,
    sliceProbabilities: probabilities,
    critical: probability >= output.criticalThreshold,
    urgent: output.urgentThreshold !== undefined && probability >= output.urgentThreshold && probability < output.criticalThreshold,
    timings: { preprocessMs: t1 - t0, inferenceMs: t2 - t1 },
  };
}

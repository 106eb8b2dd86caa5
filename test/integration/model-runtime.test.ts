import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel, ModelRefusedError, scoreSeries, type LoadedModel } from "@/server/models/model-session";
import { generateStudy } from "@/lib/synthetic/studies";
import { prepareInput } from "@/lib/models/preprocess";
import { InferenceThreadStoppedError } from "@/server/models/inference-thread";
import { isTransient } from "@/server/scoring/score-study";
import type { Worker } from "node:worker_threads";
import { rocAuc } from "@/lib/stats";

const ICH = path.resolve("models/ich-headct");
let model: LoadedModel;

beforeAll(async () => {
  model = await loadModel(ICH);
});
const copies: string[] = [];
afterAll(async () => {
  await model?.inference.release();
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function copyModel(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "readnext-model-"));
  copies.push(dir);
  cpSync(ICH, dir, { recursive: true });
  return dir;
}

describe("the shipped ich-headct model through the real path (DICOM → pipeline → ONNX → aggregation)", () => {
  it("scores a synthetic bleed above its threshold and a normal head CT below", async () => {
    const threshold = model.manifest.outputs[0]!.criticalThreshold;
    for (const [seed, finding] of [
      [901, "ich-intraparenchymal"],
      [902, "ich-subdural"],
      [903, "ich-epidural"],
    ] as const) {
      const positive = generateStudy({
        seed,
        kind: "head-ct",
        finding,
        size: 256,
        sliceCount: 28,
        withLocalizer: false,
      });
      const score = await scoreSeries(model, positive.instances);
      expect(score.probability, finding).toBeGreaterThan(threshold);
      expect(positive.positiveSlices).toContain(score.keySlice);
    }
    for (const seed of [904, 905, 906]) {
      const negative = generateStudy({
        seed,
        kind: "head-ct",
        finding: "none",
        size: 256,
        sliceCount: 28,
        withLocalizer: false,
      });
      expect((await scoreSeries(model, negative.instances)).probability).toBeLessThan(threshold);
    }
  }, 60_000);

  it("separates held-out synthetic studies with AUC ≥ 0.98 (a smaller run of npm run models:eval)", async () => {
    const scores: number[] = [];
    const labels: boolean[] = [];
    for (let i = 0; i < 40; i++) {
      const positive = i % 2 === 0;
      const study = generateStudy({
        seed: 2_000_000_000 + i,
        kind: "head-ct",
        finding: positive ? "positive" : "none",
        size: 256,
        withLocalizer: false,
      });
      scores.push((await scoreSeries(model, study.instances)).probability);
      labels.push(positive);
    }
    expect(rocAuc(scores, labels)).toBeGreaterThanOrEqual(0.98);
  }, 180_000);

  it("refuses a tampered .onnx, naming the sha256 mismatch", async () => {
    const dir = copyModel();
    const bytes = readFileSync(path.join(dir, "model.onnx"));
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    writeFileSync(path.join(dir, "model.onnx"), bytes);
    await expect(loadModel(dir)).rejects.toThrow(ModelRefusedError);
    await expect(loadModel(dir)).rejects.toThrow(/sha256 of model\.onnx is [0-9a-f]{64}, the manifest says/);
  });

  it("refuses a manifest whose input shape disagrees with the model", async () => {
    const dir = copyModel();
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    manifest.input.shape = [-1, 3, 256, 256];
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
    await expect(loadModel(dir)).rejects.toThrow(
      /input shape in the model is \[batch, 3, 128, 128\], the manifest says \[-1, 3, 256, 256\]/,
    );
  });

  it("refuses a manifest naming an input the model does not have", async () => {
    const dir = copyModel();
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    manifest.input.name = "images";
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
    await expect(loadModel(dir)).rejects.toThrow(/input "images" is not in the model \(it has slices\)/);
  });
});

describe("a model that takes a fixed batch size", () => {
  it("gets every slice scored: the last, partial batch is padded and the padding's outputs dropped", async () => {
    // test/fixtures/fixed-batch-4.onnx: input "slices" [4, 3, 128, 128] → "logit" [4, 1], each slice's mean
    // (torch.onnx.export of x.mean((1, 2, 3)).unsqueeze(1) with fixed shapes, opset 13).
    const dir = copyModel();
    const onnx = readFileSync(path.resolve("test/fixtures/fixed-batch-4.onnx"));
    writeFileSync(path.join(dir, "model.onnx"), onnx);
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    manifest.input.shape = [4, 3, 128, 128];
    manifest.file.sha256 = createHash("sha256").update(onnx).digest("hex");
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
    const fixed = await loadModel(dir);
    try {
      const study = generateStudy({
        seed: 4242,
        kind: "head-ct",
        finding: "ich-subdural",
        size: 128,
        sliceCount: 14,
        withLocalizer: false,
      });
      const score = await scoreSeries(fixed, study.instances);
      const prepared = prepareInput(study.instances, fixed.manifest);
      const [n, c, h, w] = prepared.dims;
      expect(n % 4).not.toBe(0); // the case in question: a last batch of fewer than 4
      const per = c * h * w;
      const expected = Array.from({ length: n }, (_, i) => {
        let sum = 0;
        for (let k = i * per; k < (i + 1) * per; k++) sum += prepared.tensor[k]!;
        return 1 / (1 + Math.exp(-sum / per));
      });
      expect(score.sliceProbabilities).toHaveLength(n);
      score.sliceProbabilities.forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 5));
    } finally {
      await fixed.inference.release();
    }
  });
});

describe("the model's inference thread", () => {
  const ichOnnx = () => readFileSync(path.join(ICH, "model.onnx"));
  const tensorOf = (seed: number) =>
    prepareInput(
      generateStudy({ seed, kind: "head-ct", finding: "ich-subdural", size: 128, sliceCount: 32, withLocalizer: false })
        .instances,
      model.manifest,
    );

  it("gives onnxruntime's own numbers, and the worker's event loop stays idle while it infers", async () => {
    const input = tensorOf(920);
    const direct = await ort.InferenceSession.create(ichOnnx(), { intraOpNumThreads: 1 });
    try {
      const expected = (await direct.run({ slices: new ort.Tensor("float32", input.tensor, input.dims) })).logit!
        .data as Float32Array;
      const before = performance.eventLoopUtilization();
      let inThread = 0;
      for (let i = 0; i < 5; i++) {
        const { outputs, ms } = await model.inference.run("slices", input.tensor.slice(), input.dims, ["logit"]);
        expect(Array.from(outputs.logit!)).toEqual(Array.from(expected));
        inThread += ms;
      }
      const { utilization } = performance.eventLoopUtilization(before);
      expect(inThread).toBeGreaterThan(0);
      // onnxruntime-node runs a session synchronously on the calling thread: in the main thread this would be ~1.
      expect(utilization).toBeLessThan(0.5);
    } finally {
      await direct.release();
    }
  });

  it("a run the model cannot take fails with onnxruntime's message, and the thread goes on serving", async () => {
    const input = tensorOf(921);
    await expect(
      model.inference.run("slices", new Float32Array(2 * 3 * 64 * 64), [2, 3, 64, 64], ["logit"]),
    ).rejects.toThrow(/dimension|shape|Got invalid/i);
    const { outputs } = await model.inference.run("slices", input.tensor, input.dims, ["logit"]);
    expect(outputs.logit).toHaveLength(32);
  });

  it("an idle model does not keep a script from ending, and a released one refuses further runs", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "readnext-script-"));
    copies.push(dir);
    const script = path.join(dir, "score-and-end.mts");
    writeFileSync(
      script,
      `import { loadModel, scoreSeries } from ${JSON.stringify(path.resolve("server/models/model-session.ts"))};
      import { generateStudy } from ${JSON.stringify(path.resolve("lib/synthetic/studies.ts"))};
      const m = await loadModel(${JSON.stringify(ICH)});
      const s = await scoreSeries(m, generateStudy({ seed: 5, kind: "head-ct", size: 64, sliceCount: 16, withLocalizer: false }).instances);
      console.log("scored", s.sliceProbabilities.length); // and no release: nothing else holds the process`,
    );
    const run = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
    expect(run.stdout).toContain("scored 16");
    expect(run.signal).toBeNull(); // ended by itself, not by the timeout
    expect(run.status).toBe(0);

    const spare = await loadModel(ICH);
    await spare.inference.release();
    await expect(
      spare.inference.run("slices", new Float32Array(3 * 128 * 128), [1, 3, 128, 128], ["logit"]),
    ).rejects.toThrow(/released/);
  }, 90_000);

  it("a thread that dies with a run outstanding fails that run as transient (the queue retries), and the next run gets a new thread", async () => {
    const spare = await loadModel(ICH);
    try {
      const input = tensorOf(922);
      const expected = (await spare.inference.run("slices", input.tensor.slice(), input.dims, ["logit"])).outputs.logit;
      // The thread dies with the run waiting in its queue: a message it does not know ends it, as a
      // crash in it would. (Not worker.terminate() while onnxruntime runs: onnxruntime-node then
      // throws a C++ Napi::Error into the dying thread and aborts the whole process, ~1 run in 8.)
      const thread = (spare.inference as unknown as { worker: Worker }).worker;
      thread.postMessage({ type: "no-such-message" });
      const outstanding = spare.inference.run("slices", input.tensor.slice(), input.dims, ["logit"]);
      const failure = await outstanding.catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(InferenceThreadStoppedError);
      expect(isTransient(failure)).toBe(true);
      const again = await spare.inference.run("slices", input.tensor.slice(), input.dims, ["logit"]);
      expect(Array.from(again.outputs.logit!)).toEqual(Array.from(expected!));
      expect(spare.inference.restarts).toBe(1);
    } finally {
      await spare.inference.release();
    }
  });

  it("a restarted thread reads the model file again and checks it: a file changed on disk since is refused", async () => {
    const dir = copyModel();
    const spare = await loadModel(dir);
    try {
      const bytes = readFileSync(path.join(dir, "model.onnx"));
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
      writeFileSync(path.join(dir, "model.onnx"), bytes);
      await (spare.inference as unknown as { worker: Worker }).worker.terminate();
      await expect(
        spare.inference.run("slices", new Float32Array(3 * 128 * 128), [1, 3, 128, 128], ["logit"]),
      ).rejects.toThrow(ModelRefusedError);
      await expect(
        spare.inference.run("slices", new Float32Array(3 * 128 * 128), [1, 3, 128, 128], ["logit"]),
      ).rejects.toThrow(/sha256 of model\.onnx is [0-9a-f]{64}, the manifest says/);
    } finally {
      await spare.inference.release();
    }
  });
});

describe("the shipped ptx-cxr model through the real path", () => {
  let ptx: LoadedModel;
  beforeAll(async () => {
    ptx = await loadModel(path.resolve("models/ptx-cxr"));
  });
  afterAll(async () => {
    await ptx?.inference.release();
  });

  it("scores a synthetic pneumothorax above its threshold and a normal chest below, at any bit depth", async () => {
    const threshold = ptx.manifest.outputs[0]!.criticalThreshold;
    for (const [seed, bits] of [
      [911, 12],
      [912, 14],
      [913, 16],
    ] as const) {
      const positive = generateStudy({ seed, kind: "chest-xr", finding: "pneumothorax", size: 1024, bitsStored: bits });
      expect((await scoreSeries(ptx, positive.instances)).probability, `positive, ${bits} bit`).toBeGreaterThan(
        threshold,
      );
      const negative = generateStudy({
        seed: seed + 100,
        kind: "chest-xr",
        finding: "none",
        size: 1024,
        bitsStored: bits,
      });
      expect((await scoreSeries(ptx, negative.instances)).probability, `negative, ${bits} bit`).toBeLessThan(threshold);
    }
  }, 60_000);

  it("separates held-out synthetic radiographs with AUC ≥ 0.98 (a smaller run of npm run models:eval)", async () => {
    const scores: number[] = [];
    const labels: boolean[] = [];
    for (let i = 0; i < 40; i++) {
      const positive = i % 2 === 0;
      const study = generateStudy({
        seed: 2_000_000_000 + i,
        kind: "chest-xr",
        finding: positive ? "pneumothorax" : "none",
        size: 1024,
      });
      scores.push((await scoreSeries(ptx, study.instances)).probability);
      labels.push(positive);
    }
    expect(rocAuc(scores, labels)).toBeGreaterThanOrEqual(0.98);
  }, 180_000);
});

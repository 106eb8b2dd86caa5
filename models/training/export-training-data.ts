// Training data for a demo model: synthetic studies (lib/synthetic) through the very same
// preprocessing as inference (lib/models/preprocess), written as float32 tensors + labels.
//   npx tsx models/training/export-training-data.ts <ich-headct|ptx-cxr> <out-dir> <studies> <seed>
// ich-headct: head CTs, one label per slice (bleed on that slice); ptx-cxr: chest radiographs, one per image.
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { generateStudy } from "../../lib/synthetic/studies";
import { prepareInput } from "../../lib/models/preprocess";
import { validateManifest } from "../../lib/models/manifest";
import { Random } from "../../lib/random";

const [modelId = "ich-headct", out = `/tmp/${modelId}-data`, count = "160", seedArg = "1"] = process.argv.slice(2);
if (modelId !== "ich-headct" && modelId !== "ptx-cxr") throw new Error(`no training recipe for ${modelId}`);
const manifestJson = JSON.parse(readFileSync(path.join(import.meta.dirname, `../${modelId}/manifest.json`), "utf8"));
// The sha256 is filled in after training; everything else must already be valid.
const checked = validateManifest({ ...manifestJson, file: { ...manifestJson.file, sha256: "0".repeat(64) } });
if (!checked.ok) throw new Error(checked.problems.join("\n"));
const manifest = checked.manifest;
mkdirSync(out, { recursive: true });
const rng = new Random(Number(seedArg));
const tensors: Float32Array[] = [];
const labels: number[] = [];
for (let i = 0; i < Number(count); i++) {
  const positive = i % 2 === 0;
  const seed = rng.int(1, 2 ** 30);
  if (modelId === "ich-headct") {
    const study = generateStudy({
      seed,
      kind: "head-ct",
      finding: positive ? "positive" : "none",
      size: 256,
      sliceCount: rng.int(24, 32),
      withLocalizer: false,
    });
    const input = prepareInput(study.instances, manifest);
    const positiveSlices = new Set(study.positiveSlices);
    tensors.push(input.tensor);
    input.sliceIndices.forEach((s) => labels.push(positiveSlices.has(s) ? 1 : 0));
  } else {
    const study = generateStudy({
      seed,
      kind: "chest-xr",
      finding: positive ? "pneumothorax" : "none",
      size: rng.pick([512, 768, 1024]),
    });
    tensors.push(prepareInput(study.instances, manifest).tensor);
    labels.push(positive ? 1 : 0);
  }
  if ((i + 1) % 20 === 0) console.log(`${i + 1}/${count} studies`);
}
const total = tensors.reduce((n, t) => n + t.length, 0);
const all = new Float32Array(total);
let offset = 0;
for (const t of tensors) {
  all.set(t, offset);
  offset += t.length;
}
writeFileSync(path.join(out, "x.f32"), new Uint8Array(all.buffer));
writeFileSync(
  path.join(out, "y.json"),
  JSON.stringify({ labels, shape: [labels.length, ...manifest.input.shape.slice(1)] }),
);
console.log(`wrote ${labels.length} slices (${labels.filter((l) => l).length} positive) to ${out}`);

// npm run models:eval [-- <id> [studies]]: held-out synthetic studies (a seed never used in
// training) through the real path (DICOM → pipeline → ONNX → aggregation). Prints AUC,
// sensitivity and specificity at the manifest threshold and time per study; updates the
// model card's "Measured" section and the manifest's operating point.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadModel, scoreSeries } from "../server/models/model-session";
import { generateStudy } from "../lib/synthetic/studies";
import { rocAuc } from "../lib/stats";

const [id = "ich-headct", countArg = "200"] = process.argv.slice(2);
const count = Number(countArg);
const dir = path.resolve("models", id);
const model = await loadModel(dir);
const KIND: Record<string, "head-ct" | "chest-xr"> = { "ich-headct": "head-ct", "ptx-cxr": "chest-xr" };
const kind = KIND[id];
if (!kind) throw new Error(`no synthetic data for ${id}`);
const threshold = model.manifest.outputs[0]!.criticalThreshold;
const scores: number[] = [];
const labels: boolean[] = [];
const times: number[] = [];
const byFinding = new Map<string, { tp: number; n: number }>();
for (let i = 0; i < count; i++) {
  const positive = i % 2 === 0;
  // Seeds from 10^9 up: disjoint from the training seeds.
  const study = generateStudy({
    seed: 1_000_000_000 + i,
    kind,
    finding: positive ? "positive" : "none",
    size: kind === "head-ct" ? 256 : 1024,
    withLocalizer: false,
  });
  const started = performance.now();
  const score = await scoreSeries(model, study.instances);
  times.push(performance.now() - started);
  scores.push(score.probability);
  labels.push(positive);
  const f = byFinding.get(study.finding) ?? { tp: 0, n: 0 };
  f.n += 1;
  if (score.probability >= threshold === positive) f.tp += 1;
  byFinding.set(study.finding, f);
}
const tp = scores.filter((s, i) => labels[i] && s >= threshold).length;
const tn = scores.filter((s, i) => !labels[i] && s < threshold).length;
const positives = labels.filter(Boolean).length;
const result = {
  model: `${model.manifest.id} ${model.manifest.version}`,
  heldOutStudies: count,
  auc: Math.round(rocAuc(scores, labels) * 10000) / 10000,
  threshold,
  sensitivity: Math.round((tp / positives) * 1000) / 1000,
  specificity: Math.round((tn / (count - positives)) * 1000) / 1000,
  correctByFinding: Object.fromEntries([...byFinding].map(([k, v]) => [k, `${v.tp}/${v.n}`])),
  msPerStudy: Math.round((times.reduce((a, b) => a + b, 0) / times.length) * 10) / 10,
};
console.log(JSON.stringify(result, null, 2));
await model.inference.release();

if (!process.argv.includes("--no-write")) {
  const measured = `${count} held-out synthetic studies (seeds from 1e9), full path DICOM → pipeline → ONNX → aggregation`;
  const manifestPath = path.join(dir, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  manifest.operatingPoint = { sensitivity: result.sensitivity, specificity: result.specificity, measuredOn: measured };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const cardPath = path.join(dir, "MODEL_CARD.md");
  const card = readFileSync(cardPath, "utf8");
  const section = `## Measured\n\n_Written by \`npm run models:eval -- ${id} ${count}\`._\n\n| figure | value |\n|---|---|\n| AUC | ${result.auc} |\n| sensitivity at ${threshold} | ${result.sensitivity} |\n| specificity at ${threshold} | ${result.specificity} |\n| correct by finding | ${Object.entries(
    result.correctByFinding,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(
      ", ",
    )} |\n| time per study (2-core CPU, preprocessing + inference) | ${result.msPerStudy} ms |\n| held-out set | ${measured} |\n`;
  writeFileSync(
    cardPath,
    card.includes("## Measured") ? card.replace(/## Measured[\s\S]*$/, section) : `${card.trimEnd()}\n\n${section}`,
  );
}

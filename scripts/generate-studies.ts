// npm run studies:generate -- [options]: synthetic DICOM studies, deterministic for a seed.
//   --kind head-ct|chest-xr|other   (default head-ct)
//   --finding none|positive|ich-intraparenchymal|ich-subdural|ich-epidural|pneumothorax (default none)
//   --count N --seed S              (default 1, 1)
//   --out DIR                       write Part 10 files to DIR/<StudyInstanceUID>/<n>.dcm
//   --stow URL                      STOW-RS to a DICOMweb root instead (e.g. http://127.0.0.1:8742/dicom-web)
//   --rate N                        with --stow: N studies per minute (a trickle); default all at once
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { generateStudy, type Finding, type StudyKind } from "../lib/synthetic/studies";
import { DicomWebAdapter } from "../server/pacs/dicomweb-adapter";
import { configForUrl } from "../server/pacs/source-config";

const KINDS = ["head-ct", "chest-xr", "other"];
const FINDINGS = ["none", "positive", "ich-intraparenchymal", "ich-subdural", "ich-epidural", "pneumothorax"];

const { values } = parseArgs({
  options: {
    kind: { type: "string", default: "head-ct" },
    finding: { type: "string", default: "none" },
    count: { type: "string", default: "1" },
    seed: { type: "string", default: "1" },
    out: { type: "string" },
    stow: { type: "string" },
    rate: { type: "string" },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
if (!KINDS.includes(values.kind!)) fail(`--kind must be one of ${KINDS.join(", ")}`);
if (!FINDINGS.includes(values.finding!)) fail(`--finding must be one of ${FINDINGS.join(", ")}`);
const count = Number(values.count);
const seed = Number(values.seed);
if (!Number.isInteger(count) || count < 1) fail("--count must be a positive integer");
if (!Number.isInteger(seed)) fail("--seed must be an integer");
if (!values.out && !values.stow) fail("Give --out DIR or --stow URL");
const perMinute = values.rate ? Number(values.rate) : null;
if (perMinute !== null && !(perMinute > 0)) fail("--rate must be a positive number of studies per minute");

const adapter = values.stow ? new DicomWebAdapter(configForUrl(values.stow)) : null;

for (let i = 0; i < count; i++) {
  const started = Date.now();
  const study = generateStudy({
    seed: seed + i,
    kind: values.kind as StudyKind,
    finding: values.finding as Finding | "positive",
    studyDateTime: new Date(),
  });
  if (adapter) {
    await adapter.storeInstances(study.instances);
  } else {
    const dir = path.join(values.out!, study.studyInstanceUid);
    mkdirSync(dir, { recursive: true });
    study.instances.forEach((bytes, n) =>
      writeFileSync(path.join(dir, `${String(n + 1).padStart(4, "0")}.dcm`), bytes),
    );
  }
  console.log(
    JSON.stringify({
      studyInstanceUid: study.studyInstanceUid,
      accession: study.accessionNumber,
      kind: study.kind,
      finding: study.finding,
      instances: study.instances.length,
      priority: study.priority,
      location: study.location,
    }),
  );
  if (perMinute && i < count - 1)
    await new Promise((r) => setTimeout(r, Math.max(0, 60_000 / perMinute - (Date.now() - started))));
}

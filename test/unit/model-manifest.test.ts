import { describe, expect, it } from "vitest";
import { seriesApplies, validateManifest, type SeriesFacts } from "@/lib/models/manifest";

const good = {
  id: "ich-headct",
  version: "1.0.0",
  task: "classification",
  intendedUse: "Worklist prioritisation of non-contrast head CT only; not for diagnosis.",
  notForClinicalUse: true,
  license: "Apache-2.0",
  authors: ["ReadNext"],
  trainingData: "ReadNext synthetic head CTs",
  file: { path: "model.onnx", sha256: "a".repeat(64) },
  series: {
    modalities: ["CT"],
    bodyParts: ["HEAD"],
    excludeImageTypes: ["LOCALIZER"],
    sliceThicknessMm: { min: 1, max: 7 },
    minInstances: 16,
  },
  input: { name: "slices", layout: "NCHW", shape: [-1, 3, 128, 128], dtype: "float32", unit: "slice" },
  preprocessing: {
    rescale: true,
    invertMonochrome1: true,
    scaling: "windows",
    windows: [
      { center: 40, width: 80 },
      { center: 80, width: 200 },
      { center: 600, width: 2800 },
    ],
  },
  outputs: [
    {
      name: "logit",
      findingCode: "intracranial-bleed",
      displayName: "intracranial bleed",
      activation: "sigmoid",
      criticalThreshold: 0.5,
      urgentThreshold: 0.3,
    },
  ],
  aggregation: { method: "mean-top-k", k: 2, minPositiveSlices: 1 },
  operatingPoint: { sensitivity: 0.95, specificity: 0.95, measuredOn: "200 held-out synthetic studies" },
};

describe("model manifests", () => {
  it("accepts a complete manifest and fills defaults", () => {
    const r = validateManifest(good);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.manifest.outputs[0]!.index).toBe(0);
  });

  it.each([
    ["a bad id", { ...good, id: "ICH Model" }, "id:"],
    ["a bad version", { ...good, version: "v1" }, "version:"],
    ["a short sha256", { ...good, file: { sha256: "abc" } }, "file.sha256:"],
    [
      "windows that do not match the channels",
      { ...good, preprocessing: { ...good.preprocessing, windows: [{ center: 40, width: 80 }] } },
      "preprocessing.windows:",
    ],
    [
      "min-max scaling into three channels",
      { ...good, preprocessing: { ...good.preprocessing, scaling: "minmax" } },
      "input.shape:",
    ],
    [
      "urgent above critical",
      { ...good, outputs: [{ ...good.outputs[0], urgentThreshold: 0.9 }] },
      "outputs.0.urgentThreshold:",
    ],
    ["top-k without k", { ...good, aggregation: { method: "mean-top-k" } }, "aggregation.k:"],
    [
      "an intended use that is not prioritisation",
      { ...good, intendedUse: "Detects bleeds in head CT for diagnosis." },
      "intendedUse:",
    ],
    [
      "a broken series regex",
      { ...good, series: { ...good.series, seriesDescription: "([" } },
      "series.seriesDescription:",
    ],
    ["a 3-D input", { ...good, input: { ...good.input, shape: [1, 3, 128] } }, "input.shape"],
  ])("refuses %s, naming the field", (_label, manifest, path) => {
    const r = validateManifest(manifest);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join("\n")).toContain(path);
  });

  it("reports every problem at once", () => {
    const r = validateManifest({ ...good, id: "X", version: "one", outputs: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.length).toBeGreaterThanOrEqual(3);
  });
});

describe("series selection", () => {
  const r = validateManifest(good);
  if (!r.ok) throw new Error("fixture");
  const axial: SeriesFacts = {
    modality: "CT",
    bodyPart: "HEAD",
    description: "HEAD 5mm STND",
    imageType: ["ORIGINAL", "PRIMARY", "AXIAL"],
    sliceThicknessMm: 5,
    instances: 32,
  };
  it.each([
    ["an axial head CT", axial, null],
    ["a localizer", { ...axial, imageType: ["ORIGINAL", "PRIMARY", "LOCALIZER"] }, "image type LOCALIZER"],
    ["a chest CT", { ...axial, bodyPart: "CHEST" }, "body part CHEST"],
    ["an MR", { ...axial, modality: "MR" }, "modality MR"],
    ["thick slices", { ...axial, sliceThicknessMm: 10 }, "slice thickness 10 mm"],
    ["too few slices", { ...axial, instances: 8 }, "8 instances"],
  ])("%s", (_label, facts, reason) => {
    const result = seriesApplies(r.manifest, facts);
    if (reason === null) expect(result).toEqual({ applies: true });
    else expect(result).toMatchObject({ applies: false, reason: expect.stringContaining(reason) });
  });
});

import { describe, expect, it } from "vitest";
import { seriesApplies, validateManifest, withThresholds, type SeriesFacts } from "@/lib/models/manifest";

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

describe("a manifest's problems, word for word", () => {
  const problems = (m: unknown) => {
    const r = validateManifest(m);
    return r.ok ? [] : r.problems;
  };
  it("names each cross-field problem with its path and what would fix it", () => {
    expect(
      problems({ ...good, preprocessing: { ...good.preprocessing, windows: [{ center: 40, width: 80 }] } }),
    ).toEqual(['preprocessing.windows: scaling "windows" needs one window per input channel (3)']);
    // No windows at all with window scaling: the same problem, not a crash.
    expect(problems({ ...good, preprocessing: { ...good.preprocessing, windows: undefined } })).toEqual([
      'preprocessing.windows: scaling "windows" needs one window per input channel (3)',
    ]);
    expect(problems({ ...good, preprocessing: { ...good.preprocessing, scaling: "minmax" } })).toEqual([
      'input.shape: scaling "minmax" makes one channel, but the input has 3',
    ]);
    const norm = (mean: number[], std: number[]) => ({
      ...good,
      preprocessing: { ...good.preprocessing, normalise: { mean, std } },
    });
    expect(problems(norm([0.1, 0.2, 0.3], [1, 1, 1]))).toEqual([]);
    expect(problems(norm([0.1, 0.2], [1, 1, 1]))).toEqual(["preprocessing.normalise: mean and std need 3 values each"]);
    expect(problems(norm([0.1, 0.2, 0.3], [1, 1]))).toEqual([
      "preprocessing.normalise: mean and std need 3 values each",
    ]);
    // Urgent must be strictly below critical.
    expect(problems({ ...good, outputs: [{ ...good.outputs[0], urgentThreshold: 0.5 }] })).toEqual([
      "outputs.0.urgentThreshold: must be below criticalThreshold",
    ]);
    expect(problems({ ...good, outputs: [{ ...good.outputs[0], urgentThreshold: 0.49 }] })).toEqual([]);
    expect(problems({ ...good, aggregation: { method: "mean-top-k" } })).toEqual(["aggregation.k: mean-top-k needs k"]);
    expect(problems({ ...good, intendedUse: "Finds intracranial bleeds in head CT for diagnosis." })).toEqual([
      "intendedUse: must state that the model is for worklist prioritisation",
    ]);
    expect(problems({ ...good, series: { ...good.series, seriesDescription: "([" } })).toEqual([
      "series.seriesDescription: not a valid regular expression",
    ]);
    expect(problems({ ...good, series: { ...good.series, seriesDescription: "ax(ial)?|brain" } })).toEqual([]);
  });
});

describe("series selection, reason by reason", () => {
  const parsed = (m: unknown) => {
    const r = validateManifest(m);
    if (!r.ok) throw new Error(r.problems.join("; "));
    return r.manifest;
  };
  const head = parsed(good);
  const described = parsed({ ...good, series: { ...good.series, seriesDescription: "ax(ial)?" } });
  const axial: SeriesFacts = {
    modality: "CT",
    bodyPart: "HEAD",
    description: "HEAD 5mm STND",
    imageType: ["ORIGINAL", "PRIMARY", "AXIAL"],
    sliceThicknessMm: 5,
    instances: 32,
  };
  const notKind = (reason: string) => ({ applies: false, kindMatches: false, reason });
  const near = (reason: string) => ({ applies: false, kindMatches: true, reason });

  it("modality and body part: the wrong kind of series", () => {
    expect(seriesApplies(head, { ...axial, modality: "MR" })).toEqual(notKind("modality MR is not CT"));
    expect(seriesApplies(head, { ...axial, modality: null })).toEqual(notKind("modality unknown is not CT"));
    expect(seriesApplies(head, { ...axial, modality: "ct", bodyPart: "head" })).toEqual({ applies: true });
    expect(seriesApplies(head, { ...axial, bodyPart: "CHEST" })).toEqual(notKind("body part CHEST is not HEAD"));
    expect(seriesApplies(head, { ...axial, bodyPart: null })).toEqual(notKind("body part unknown is not HEAD"));
  });

  it("description, thickness and slice count: the right kind, not this series", () => {
    expect(seriesApplies(described, axial)).toEqual(near('series "HEAD 5mm STND" does not match ax(ial)?'));
    expect(seriesApplies(described, { ...axial, description: null })).toEqual(
      near('series "" does not match ax(ial)?'),
    );
    expect(seriesApplies(described, { ...axial, description: "Head AXIAL 5mm" })).toEqual({ applies: true });
    // 1–7 mm, both ends included; an unknown thickness is not refused.
    expect(seriesApplies(head, { ...axial, sliceThicknessMm: 1 })).toEqual({ applies: true });
    expect(seriesApplies(head, { ...axial, sliceThicknessMm: 7 })).toEqual({ applies: true });
    expect(seriesApplies(head, { ...axial, sliceThicknessMm: 0.9 })).toEqual(
      near("slice thickness 0.9 mm is outside 1–7 mm"),
    );
    expect(seriesApplies(head, { ...axial, sliceThicknessMm: 7.5 })).toEqual(
      near("slice thickness 7.5 mm is outside 1–7 mm"),
    );
    expect(seriesApplies(head, { ...axial, sliceThicknessMm: null })).toEqual({ applies: true });
    // At least 16 slices: instances, or the frames of one multi-frame image.
    expect(seriesApplies(head, { ...axial, instances: 16 })).toEqual({ applies: true });
    expect(seriesApplies(head, { ...axial, instances: 15 })).toEqual(near("15 instances, fewer than 16"));
    expect(seriesApplies(head, { ...axial, instances: 1, frames: 40 })).toEqual({ applies: true });
    expect(seriesApplies(head, { ...axial, instances: 1, frames: 8 })).toEqual(near("8 frames, fewer than 16"));
    expect(seriesApplies(head, { ...axial, instances: 2, frames: 40 })).toEqual(near("2 instances, fewer than 16"));
    // One image whose frames are not known yet: fetched and counted later, not refused now.
    expect(seriesApplies(head, { ...axial, instances: 1 })).toEqual({ applies: true });
    expect(seriesApplies(head, { ...axial, instances: 1, frames: null })).toEqual(near("1 instances, fewer than 16"));
  });
});

describe("a site's thresholds in place of the manifest's", () => {
  const r = validateManifest(good);
  if (!r.ok) throw new Error("fixture");
  const m = r.manifest; // critical 0.5, urgent 0.3
  const first = (critical: number | null, urgent: number | null) => withThresholds(m, { critical, urgent }).outputs[0]!;

  it("no overrides: the manifest itself", () => {
    expect(withThresholds(m, { critical: null, urgent: null })).toBe(m);
  });

  it("each override replaces its own threshold; an urgent threshold not below critical is dropped", () => {
    expect([first(0.7, null).criticalThreshold, first(0.7, null).urgentThreshold]).toEqual([0.7, 0.3]);
    expect([first(null, 0.2).criticalThreshold, first(null, 0.2).urgentThreshold]).toEqual([0.5, 0.2]);
    expect(first(0.25, null).urgentThreshold).toBeUndefined(); // 0.3 is not below 0.25
    expect(first(null, 0.5).urgentThreshold).toBeUndefined(); // equal is not below
    expect([first(0.8, 0.6).criticalThreshold, first(0.8, 0.6).urgentThreshold]).toEqual([0.8, 0.6]);
    // The rest of the output and of the manifest are kept.
    expect(first(0.7, null)).toMatchObject({ name: "logit", findingCode: "intracranial-bleed", activation: "sigmoid" });
    expect(withThresholds(m, { critical: 0.7, urgent: null }).series).toBe(m.series);
    expect(m.outputs[0]!.criticalThreshold).toBe(0.5);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { InputNotApplicableError, planInput, prepareInput } from "@/lib/models/preprocess";
import {
  applyWindow,
  decodePart10,
  resizeBilinear,
  resizeBilinearMapped,
  resizeChannelsInto,
  scaleMinMax,
  windowFunction,
  minMaxFunction,
} from "@/lib/dicom/pixel-data";
import { readImageFrames } from "@/lib/dicom/image-frames";
import { readPart10, writePart10 } from "@/lib/dicom/part10";
import { generateStudy } from "@/lib/synthetic/studies";
import { Random } from "@/lib/random";

const manifest = (id: string): ModelManifest => {
  const checked = validateManifest(JSON.parse(readFileSync(`models/${id}/manifest.json`, "utf8")));
  if (!checked.ok) throw new Error(checked.problems.join("\n"));
  return checked.manifest;
};
const ich = manifest("ich-headct");
const ptx = manifest("ptx-cxr");

/** Rewrites each instance's header (pixels kept), e.g. to claim a different rescale. */
function withHeader(instances: Uint8Array[], change: Record<string, unknown>): Uint8Array[] {
  return instances.map((bytes) => {
    const { _meta: _m, PixelData, ...dataset } = readPart10(bytes);
    return writePart10({ ...dataset, ...change }, new Int16Array((PixelData as ArrayBuffer[])[0]!));
  });
}

describe("inputs a model is not built for are 'not applicable', never a confident score", () => {
  it("too few slices", () => {
    const study = generateStudy({ seed: 31, kind: "head-ct", sliceCount: 8, size: 64, withLocalizer: false });
    expect(() => prepareInput(study.instances, ich)).toThrow(InputNotApplicableError);
    expect(() => prepareInput(study.instances, ich)).toThrow("8 image(s), fewer than the 12 the model needs");
  });

  it("intensities far outside the model's windows (a rescale that is not Hounsfield units)", () => {
    const study = generateStudy({ seed: 32, kind: "head-ct", sliceCount: 14, size: 64, withLocalizer: false });
    expect(() => prepareInput(withHeader(study.instances, { RescaleIntercept: 20000 }), ich)).toThrow(
      /pixel values lie outside the model's window \(40±40\)/,
    );
    expect(prepareInput(study.instances, ich).dims).toEqual([14, 3, 128, 128]);
  });

  it("a blank image", () => {
    const study = generateStudy({ seed: 33, kind: "chest-xr", size: 128 });
    const { _meta: _m, PixelData: _p, ...dataset } = readPart10(study.instances[0]!);
    const blank = writePart10(dataset, new Uint16Array(128 * 128).fill(700));
    expect(() => prepareInput([blank], ptx)).toThrow("every image is blank (one value throughout)");
  });
});

/**
 * Where two tensors first differ (bit for bit, so -0 ≠ 0 and NaN = NaN), -1 if nowhere; a different length
 * differs at the shorter one's end. toEqual walks a million-element array element by element as objects,
 * which took over 30 s on a busy CI machine; this is a plain loop.
 */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return i;
  return x.length === y.length ? -1 : Math.min(x.length, y.length);
}

describe("the tensor prepared a batch at a time (as scoring sends it to the model) is the tensor prepared at once", () => {
  it("uneven batches, into new arrays or into one target, give identical numbers; the checks still refuse intensities outside the window", () => {
    const study = generateStudy({
      seed: 44,
      kind: "head-ct",
      finding: "ich-epidural",
      sliceCount: 50,
      size: 96,
      withLocalizer: false,
    });
    const whole = prepareInput(study.instances, ich);
    const plan = planInput(study.instances, ich);
    expect(plan.dims).toEqual(whole.dims);
    expect(plan.sliceIndices).toEqual(whole.sliceIndices);
    const item = whole.dims[1] * whole.dims[2] * whole.dims[3];
    const parts = [
      [0, 3],
      [3, 11],
      [11, 40],
    ].map(([from, to]) => plan.fill(from!, to!));
    expect(parts.map((p) => p.length)).toEqual([3 * item, 8 * item, 29 * item]);
    const joined = new Float32Array(whole.tensor.length);
    parts.forEach((p, i) => joined.set(p, [0, 3, 11][i]! * item));
    expect(firstDifference(joined, whole.tensor)).toBe(-1);
    expect(() => plan.check()).not.toThrow();
    const target = new Float32Array(whole.tensor.length + item);
    planInput(study.instances, ich).fill(5, 40, target, 6);
    expect(firstDifference(target.subarray(6 * item, 41 * item), whole.tensor.subarray(5 * item))).toBe(-1);

    const outside = withHeader(study.instances, { RescaleIntercept: -5000 });
    const outsidePlan = planInput(outside, ich);
    outsidePlan.fill(0, 20);
    outsidePlan.fill(20, outsidePlan.dims[0]);
    expect(() => outsidePlan.check()).toThrow(InputNotApplicableError);
  });
});

describe("the fused window + resize gives the same numbers as windowing the whole image first", () => {
  const rng = new Random(5);
  const image = Float32Array.from({ length: 97 * 131 }, () => rng.range(-200, 300));
  it.each([
    [40, 80],
    [75, 50],
    [600, 2800],
  ])("window %i/%i", (center, width) => {
    const a = resizeBilinear(applyWindow(image, center, width), 97, 131, 32, 48);
    const b = resizeBilinearMapped(image, 97, 131, 32, 48, windowFunction(center, width));
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
  });
  it("min-max", () => {
    const a = resizeBilinear(scaleMinMax(image), 97, 131, 50, 50);
    const b = resizeBilinearMapped(image, 97, 131, 50, 50, minMaxFunction(image));
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
  });
});

describe("the one-pass multi-channel resample equals rescale → window → resize → normalise done step by step", () => {
  const rng = new Random(9);
  const stored = Int16Array.from({ length: 77 * 91 }, () => Math.round(rng.range(-1100, 1500)));
  it("three windows with a rescale, and a function channel", () => {
    const [slope, intercept] = [1.5, -1024];
    const hu = Float32Array.from(stored, (v) => v * slope + intercept);
    const windows = [
      { center: 40, width: 80 },
      { center: 75, width: 50 },
      { center: 600, width: 2800 },
    ];
    const out = new Float32Array(4 * 32 * 40);
    const mean = [0.1, 0.2, 0.3, 0.5];
    const std = [0.5, 0.25, 2, 1];
    const scale = (v: number) => v / 4095;
    resizeChannelsInto(
      stored,
      77,
      91,
      32,
      40,
      { slope, intercept },
      [...windows.map((window) => ({ window })), { map: scale }],
      out,
      [0, 1280, 2560, 3840],
      mean,
      std,
    );
    windows.forEach((w, c) => {
      const expected = resizeBilinear(applyWindow(hu, w.center, w.width), 77, 91, 32, 40);
      for (let i = 0; i < expected.length; i++)
        expect(out[c * 1280 + i]).toBeCloseTo((expected[i]! - mean[c]!) / std[c]!, 5);
    });
    const expected = resizeBilinear(hu.map(scale), 77, 91, 32, 40);
    for (let i = 0; i < expected.length; i++) expect(out[3840 + i]).toBeCloseTo((expected[i]! - 0.5) / 1, 5);
  });

  it("windows only, enlarging and reducing about 4×, with channel 0's statistics", () => {
    for (const [outRows, outColumns] of [
      [154, 182],
      [19, 22],
    ] as const) {
      const hu = Float32Array.from(stored, (v) => v * 0.5 - 20);
      const windows = [
        { center: 40, width: 80 },
        { center: 600, width: 2800 },
      ];
      const plane = outRows * outColumns;
      const out = new Float32Array(2 * plane);
      const stats = resizeChannelsInto(
        stored,
        77,
        91,
        outRows,
        outColumns,
        { slope: 0.5, intercept: -20 },
        windows.map((window) => ({ window })),
        out,
        [0, plane],
        [0, 0.5],
        [1, 0.25],
      );
      const channel0 = resizeBilinear(applyWindow(hu, 40, 80), 77, 91, outRows, outColumns);
      const channel1 = resizeBilinear(applyWindow(hu, 600, 2800), 77, 91, outRows, outColumns);
      for (let i = 0; i < plane; i++) {
        expect(out[i]).toBeCloseTo(channel0[i]!, 5);
        expect(out[plane + i]).toBeCloseTo((channel1[i]! - 0.5) / 0.25, 4);
      }
      expect(stats.inside).toBe(channel0.filter((v) => v > 1e-6 && v < 1 - 1e-6).length);
      expect(stats.flat).toBe(false);
    }
  });
});

describe("the key slice is named as the viewer names it", () => {
  it("instanceNumberAt gives each slice's own InstanceNumber, whatever order the files came in and however they are numbered", () => {
    const study = generateStudy({ seed: 45, kind: "head-ct", sliceCount: 14, size: 64, withLocalizer: false });
    // Numbered from the top down (as many scanners do) and delivered shuffled.
    const renumbered = study.instances.map((bytes) => {
      const { _meta: _m, PixelData, ...dataset } = readPart10(bytes);
      return writePart10(
        { ...dataset, InstanceNumber: 200 - Number(dataset.InstanceNumber) },
        new Int16Array((PixelData as ArrayBuffer[])[0]!),
      );
    });
    const shuffled = renumbered
      .map((b, i) => [b, (i * 5) % 14] as const)
      .sort((a, b) => a[1] - b[1])
      .map(([b]) => b);
    const input = prepareInput(shuffled, ich);
    const expected = renumbered
      .map((b) => decodePart10(b).dataset)
      .sort((a, b) => (a.ImagePositionPatient as number[])[2]! - (b.ImagePositionPatient as number[])[2]!)
      .map((d) => Number(d.InstanceNumber));
    expect(input.sliceIndices.map((i) => input.instanceNumberAt(i))).toEqual(expected);
    expect(expected[0]).not.toBe(1); // not simply position + 1
  });
});

describe("the pipeline's fast reader gives decodePart10's pixels", () => {
  it.each([
    [
      "head CT (signed 16-bit, rescaled)",
      generateStudy({ seed: 41, kind: "head-ct", sliceCount: 12, size: 64, withLocalizer: false }).instances[5]!,
    ],
    [
      "chest radiograph (unsigned, 12 bits stored: the slow path)",
      generateStudy({ seed: 42, kind: "chest-xr", size: 128, bitsStored: 12 }).instances[0]!,
    ],
    [
      "chest radiograph (unsigned 16-bit)",
      generateStudy({ seed: 43, kind: "chest-xr", size: 128, bitsStored: 16 }).instances[0]!,
    ],
  ])("%s", (_name, bytes) => {
    const fast = readImageFrames(bytes);
    const slow = decodePart10(bytes);
    expect(fast.meta).toEqual(slow.meta);
    expect(fast.instanceNumber).toBe(Number(slow.dataset.InstanceNumber));
    expect(Array.from(fast.frames[0]!)).toEqual(Array.from(slow.frames[0]!));
  });
  it("reads ImagePositionPatient for slice order", () => {
    const study = generateStudy({ seed: 44, kind: "head-ct", sliceCount: 12, size: 64, withLocalizer: false });
    const positions = study.instances.map((b) => readImageFrames(b).position);
    const dataset = study.instances.map((b) => decodePart10(b).dataset.ImagePositionPatient as number[]);
    expect(positions).toEqual(dataset.map((p) => p[2]));
  });
});

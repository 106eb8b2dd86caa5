import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { InputNotApplicableError, prepareInput } from "@/lib/models/preprocess";
import { applyWindow, resizeBilinear, resizeBilinearMapped, scaleMinMax, windowFunction, minMaxFunction } from "@/lib/dicom/pixel-data";
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
    expect(() => prepareInput(withHeader(study.instances, { RescaleIntercept: 20000 }), ich)).toThrow(/pixel values lie outside the model's window \(40±40\)/);
    expect(prepareInput(study.instances, ich).dims).toEqual([14, 3, 128, 128]);
  });

  it("a blank image", () => {
    const study = generateStudy({ seed: 33, kind: "chest-xr", size: 128 });
    const { _meta: _m, PixelData: _p, ...dataset } = readPart10(study.instances[0]!);
    const blank = writePart10(dataset, new Uint16Array(128 * 128).fill(700));
    expect(() => prepareInput([blank], ptx)).toThrow("every image is blank (one value throughout)");
  });
});

describe("the fused window + resize gives the same numbers as windowing the whole image first", () => {
  const rng = new Random(5);
  const image = Float32Array.from({ length: 97 * 131 }, () => rng.range(-200, 300));
  it.each([[40, 80], [75, 50], [600, 2800]])("window %i/%i", (center, width) => {
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

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { applyWindow, decodeNativeFrame, decodePart10, resizeBilinear, sampleSliceIndices, scaleMinMax, toModalityValues, UnsupportedPixelDataError } from "@/lib/dicom/pixel-data";
import { generateStudy } from "@/lib/synthetic/studies";

// Debian's python3-pydicom ships real sample files in every transfer syntax (installed by .ci/run).
const SAMPLES = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
const sample = (name: string) => new Uint8Array(readFileSync(`${SAMPLES}/${name}`));

/** pydicom's own decoding of a file, as the reference. */
function pydicomPixels(name: string): number[] {
  const script = `import pydicom, json, sys; print(json.dumps(pydicom.dcmread(sys.argv[1]).pixel_array.astype(float).ravel().tolist()))`;
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, `${SAMPLES}/${name}`], { encoding: "utf8", maxBuffer: 64 << 20 }));
}

describe("native transfer syntaxes decode to the same pixels as pydicom", () => {
  const reference = pydicomPixels("MR_small.dcm");
  it.each(["MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm"])("%s", (name) => {
    const { meta, frames } = decodePart10(sample(name));
    expect(meta).toMatchObject({ rows: 64, columns: 64, bitsAllocated: 16, pixelRepresentation: 1 });
    expect(Array.from(frames[0]!)).toEqual(reference);
  });

  it("a CT sample with rescale gives Hounsfield units", () => {
    const { meta, frames } = decodePart10(sample("CT_small.dcm"));
    expect(Array.from(frames[0]!)).toEqual(pydicomPixels("CT_small.dcm"));
    const hu = toModalityValues(frames[0]!, meta, { rescale: true, invertMonochrome1: true });
    expect(hu[0]).toBe(frames[0]![0]! * meta.rescaleSlope + meta.rescaleIntercept);
  });

  it("refuses compressed data by name instead of guessing", () => {
    expect(() => decodePart10(sample("MR_small_RLE.dcm"))).toThrow(UnsupportedPixelDataError);
    expect(() => decodePart10(sample("MR_small_RLE.dcm"))).toThrow(/1\.2\.840\.10008\.1\.2\.5 is compressed/);
  });
});

describe("the pixel pipeline on synthetic studies", () => {
  it("reads a synthetic head CT back as the HU it was written with", () => {
    const study = generateStudy({ seed: 4, kind: "head-ct", sliceCount: 24, size: 64, withLocalizer: false });
    const { meta, frames } = decodePart10(study.instances[12]!);
    const hu = toModalityValues(frames[0]!, meta, { rescale: true, invertMonochrome1: true });
    expect(Math.min(...hu)).toBeLessThan(-900);
    expect(Math.max(...hu)).toBeGreaterThan(700);
  });

  it("masks BitsStored and sign-extends 12-bit signed values", () => {
    const meta = { rows: 1, columns: 2, frames: 1, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1 as const, photometric: "MONOCHROME2", rescaleSlope: 1, rescaleIntercept: 0, transferSyntax: "1.2.840.10008.1.2.1" };
    // 0xF800 has junk in the top bits; 0x0FFF is -1 in 12-bit two's complement.
    expect(Array.from(decodeNativeFrame(new Uint8Array([0x00, 0xf8, 0xff, 0x0f]), meta, 0))).toEqual([-2048, -1]);
  });

  it("inverts MONOCHROME1 so that higher is brighter", () => {
    const meta = { rows: 1, columns: 3, frames: 1, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0 as const, photometric: "MONOCHROME1", rescaleSlope: 1, rescaleIntercept: 0, transferSyntax: "1.2.840.10008.1.2.1" };
    expect(Array.from(toModalityValues(new Float32Array([0, 10, 100]), meta, { rescale: true, invertMonochrome1: true }))).toEqual([100, 90, 0]);
  });

  it("windows, scales, resizes and samples slices", () => {
    expect(Array.from(applyWindow(new Float32Array([-100, 0, 40, 80, 500]), 40, 80))).toEqual([0, 0, 0.5, 1, 1]);
    expect(Array.from(scaleMinMax(new Float32Array([2, 4, 6])))).toEqual([0, 0.5, 1]);
    expect(Array.from(scaleMinMax(new Float32Array([3, 3])))).toEqual([0, 0]);
    expect(Array.from(resizeBilinear(new Float32Array([0, 1, 2, 3]), 2, 2, 2, 2))).toEqual([0, 1, 2, 3]);
    const up = resizeBilinear(new Float32Array([0, 1, 2, 3]), 2, 2, 4, 4);
    expect(up[0]).toBe(0);
    expect(up[15]).toBe(3);
    expect(sampleSliceIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(sampleSliceIndices(40, 5)).toEqual([0, 10, 20, 29, 39]);
  });
});

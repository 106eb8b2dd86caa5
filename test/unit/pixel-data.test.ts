import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyWindow,
  decodeNativeFrame,
  decodePart10,
  resizeBilinear,
  sampleSliceIndices,
  scaleMinMax,
  toModalityValues,
  UnsupportedPixelDataError,
} from "@/lib/dicom/pixel-data";
import { generateStudy } from "@/lib/synthetic/studies";
import { loadCodecs } from "@/lib/dicom/codecs";

// Debian's python3-pydicom ships real sample files in every transfer syntax (installed by .ci/run).
const SAMPLES = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
const sample = (name: string) => new Uint8Array(readFileSync(`${SAMPLES}/${name}`));

/** pydicom's own decoding of a file, as the reference. */
function pydicomPixels(name: string): number[] {
  const script = `import pydicom, json, sys; print(json.dumps(pydicom.dcmread(sys.argv[1]).pixel_array.astype(float).ravel().tolist()))`;
  return JSON.parse(
    execFileSync("/usr/bin/python3", ["-c", script, `${SAMPLES}/${name}`], { encoding: "utf8", maxBuffer: 64 << 20 }),
  );
}

/** pydicom's modality LUT (rescale slope and intercept) applied to a file's pixels, as the reference. */
function pydicomModalityValues(file: string): number[] {
  const script = `import pydicom, json, sys
from pydicom.pixel_data_handlers.util import apply_modality_lut
ds = pydicom.dcmread(sys.argv[1])
print(json.dumps(apply_modality_lut(ds.pixel_array, ds).astype(float).ravel().tolist()))`;
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, file], { encoding: "utf8", maxBuffer: 64 << 20 }));
}

describe("native transfer syntaxes decode to the same pixels as pydicom", () => {
  const reference = pydicomPixels("MR_small.dcm");
  it.each(["MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm"])("%s", (name) => {
    const { meta, frames } = decodePart10(sample(name));
    expect(meta).toMatchObject({ rows: 64, columns: 64, bitsAllocated: 16, pixelRepresentation: 1 });
    expect(Array.from(frames[0]!)).toEqual(reference);
  });

  it("a CT sample with rescale gives the Hounsfield units pydicom's modality LUT gives", () => {
    const { meta, frames } = decodePart10(sample("CT_small.dcm"));
    expect(Array.from(frames[0]!)).toEqual(pydicomPixels("CT_small.dcm"));
    const hu = toModalityValues(frames[0]!, meta, { rescale: true, invertMonochrome1: true });
    expect(Array.from(hu)).toEqual(pydicomModalityValues(`${SAMPLES}/CT_small.dcm`));
  });

  it("a CT stored as signed, given slope 2.5 and intercept -1000 by pydicom, rescales as pydicom's modality LUT does", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "readnext-rescale-"));
    try {
      const file = path.join(dir, "ct-slope.dcm");
      const script = `import pydicom, sys; ds = pydicom.dcmread(sys.argv[1]); ds.RescaleSlope = "2.5"; ds.RescaleIntercept = "-1000"; ds.save_as(sys.argv[2])`;
      execFileSync("/usr/bin/python3", ["-c", script, `${SAMPLES}/CT_small.dcm`, file]);
      const { meta, frames } = decodePart10(new Uint8Array(readFileSync(file)));
      expect(meta).toMatchObject({ pixelRepresentation: 1, rescaleSlope: 2.5, rescaleIntercept: -1000 });
      const hu = toModalityValues(frames[0]!, meta, { rescale: true, invertMonochrome1: true });
      const reference = pydicomModalityValues(file);
      expect(Array.from(hu)).toEqual(reference);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("compressed transfer syntaxes decode (codec packages) to the same pixels as their uncompressed twin", () => {
  const mr = pydicomPixels("MR_small.dcm");
  const ct = pydicomPixels("CT_small.dcm");
  // More twins made here by DCMTK (Debian's dcmtk, installed by .ci/run): JPEG lossless and baseline, RLE and JPEG-LS of CT.
  const dir = mkdtempSync(path.join(tmpdir(), "readnext-codecs-"));
  const twin = (tool: string, args: string[], source: string, name: string) => {
    execFileSync(tool, [...args, `${SAMPLES}/${source}`, path.join(dir, name)]);
    return new Uint8Array(readFileSync(path.join(dir, name)));
  };
  beforeAll(async () => {
    await loadCodecs();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["MR_small_RLE.dcm (RLE, pydicom)", () => sample("MR_small_RLE.dcm"), "1.2.840.10008.1.2.5", "mr"],
    [
      "MR_small_jpeg_ls_lossless.dcm (JPEG-LS, pydicom)",
      () => sample("MR_small_jpeg_ls_lossless.dcm"),
      "1.2.840.10008.1.2.4.80",
      "mr",
    ],
    [
      "MR_small_jp2klossless.dcm (JPEG 2000, pydicom)",
      () => sample("MR_small_jp2klossless.dcm"),
      "1.2.840.10008.1.2.4.90",
      "mr",
    ],
    [
      "MR_small as JPEG lossless SV1 (dcmcjpeg +e1)",
      () => twin("dcmcjpeg", ["+e1"], "MR_small.dcm", "mr_ll.dcm"),
      "1.2.840.10008.1.2.4.70",
      "mr",
    ],
    ["CT_small as RLE (dcmcrle)", () => twin("dcmcrle", [], "CT_small.dcm", "ct_rle.dcm"), "1.2.840.10008.1.2.5", "ct"],
    [
      "CT_small as JPEG-LS (dcmcjpls)",
      () => twin("dcmcjpls", [], "CT_small.dcm", "ct_jls.dcm"),
      "1.2.840.10008.1.2.4.80",
      "ct",
    ],
  ] as const)("%s", (_name, load, syntax, reference) => {
    const { meta, frames } = decodePart10(load());
    expect(meta.transferSyntax).toBe(syntax);
    expect(Array.from(frames[0]!)).toEqual(reference === "mr" ? mr : ct);
  });

  it("JPEG baseline (8-bit, lossy) matches DCMTK's own decompression within 2 grey levels", () => {
    const jpeg = decodePart10(twin("dcmcjpeg", ["+eb"], "MR_small.dcm", "mr_base.dcm"));
    execFileSync("dcmdjpeg", [path.join(dir, "mr_base.dcm"), path.join(dir, "mr_base_dec.dcm")]);
    const native = decodePart10(new Uint8Array(readFileSync(path.join(dir, "mr_base_dec.dcm"))));
    expect(jpeg.meta.transferSyntax).toBe("1.2.840.10008.1.2.4.50");
    const a = jpeg.frames[0]!;
    const b = native.frames[0]!;
    expect(a.length).toBe(64 * 64);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it("refuses what no codec here decodes (12-bit JPEG extended) by name instead of guessing", () => {
    expect(() => decodePart10(sample("JPEG-lossy.dcm"))).toThrow(UnsupportedPixelDataError);
    expect(() => decodePart10(sample("JPEG-lossy.dcm"))).toThrow(
      /1\.2\.840\.10008\.1\.2\.4\.51 \(JPEG Extended \(12-bit\)\) cannot be decoded here/,
    );
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
    const meta = {
      rows: 1,
      columns: 2,
      frames: 1,
      samplesPerPixel: 1,
      bitsAllocated: 16,
      bitsStored: 12,
      pixelRepresentation: 1 as const,
      photometric: "MONOCHROME2",
      rescaleSlope: 1,
      rescaleIntercept: 0,
      transferSyntax: "1.2.840.10008.1.2.1",
    };
    // 0xF800 has junk in the top bits; 0x0FFF is -1 in 12-bit two's complement.
    expect(Array.from(decodeNativeFrame(new Uint8Array([0x00, 0xf8, 0xff, 0x0f]), meta, 0))).toEqual([-2048, -1]);
  });

  it("inverts MONOCHROME1 so that higher is brighter", () => {
    const meta = {
      rows: 1,
      columns: 3,
      frames: 1,
      samplesPerPixel: 1,
      bitsAllocated: 16,
      bitsStored: 16,
      pixelRepresentation: 0 as const,
      photometric: "MONOCHROME1",
      rescaleSlope: 1,
      rescaleIntercept: 0,
      transferSyntax: "1.2.840.10008.1.2.1",
    };
    expect(
      Array.from(toModalityValues(new Float32Array([0, 10, 100]), meta, { rescale: true, invertMonochrome1: true })),
    ).toEqual([100, 90, 0]);
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

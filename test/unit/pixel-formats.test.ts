import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePart10, UnsupportedPixelDataError } from "@/lib/dicom/pixel-data";
import { ColourImageError } from "@/lib/dicom/colour";
import { loadCodecs } from "@/lib/dicom/codecs";
import { readImageFrames } from "@/lib/dicom/image-frames";
import { readPart10, writePart10 } from "@/lib/dicom/part10";
import { planInput, InputNotApplicableError } from "@/lib/models/preprocess";
import { seriesApplies, validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { generateStudy } from "@/lib/synthetic/studies";

// Reference decodings come from pydicom (Debian's python3-pydicom, with its sample files) and
// HTJ2K codestreams from OpenJPH's own command-line encoder (Debian's openjph-tools), both installed by .ci/run.
const SAMPLES = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
const sample = (name: string) => new Uint8Array(readFileSync(`${SAMPLES}/${name}`));
const python = (script: string, ...args: string[]) =>
  execFileSync("/usr/bin/python3", ["-c", script, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });

/** pydicom's pixels of every frame of a file, flattened. */
const pydicomPixels = (file: string): number[] =>
  JSON.parse(
    python(
      `import pydicom, json, sys; print(json.dumps(pydicom.dcmread(sys.argv[1]).pixel_array.astype(float).ravel().tolist()))`,
      file,
    ),
  );

/**
 * The luminance of a colour file by pydicom: its pixel array is in the file's own colour
 * space, so YBR's Y is the luminance; RGB gets the BT.601 weights; palette colour goes through
 * pydicom's apply_color_lut first.
 */
const pydicomLuminance = (file: string): number[] =>
  JSON.parse(
    python(
      `import pydicom, json, sys, numpy as np
from pydicom.pixel_data_handlers.util import apply_color_lut
ds = pydicom.dcmread(sys.argv[1])
a = ds.pixel_array.astype(float)
pi = ds.PhotometricInterpretation
if pi == "PALETTE COLOR":
    a = apply_color_lut(ds.pixel_array, ds).astype(float)
    pi = "RGB"
y = a[..., 0] if pi.startswith("YBR") else 0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]
print(json.dumps(y.ravel().tolist()))`,
      file,
    ),
  );

const framesFlat = (frames: ArrayLike<number>[]) => frames.flatMap((f) => Array.from(f));
const worstDifference = (a: number[], b: number[]) => a.reduce((w, v, i) => Math.max(w, Math.abs(v - b[i]!)), 0);

let dir: string;
beforeAll(async () => {
  await loadCodecs();
  dir = mkdtempSync(path.join(tmpdir(), "readnext-formats-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("deflated explicit VR little endian", () => {
  it("decodes to pydicom's pixels", () => {
    const { meta, frames } = decodePart10(sample("image_dfl.dcm"));
    expect(meta.transferSyntax).toBe("1.2.840.10008.1.2.1.99");
    expect(framesFlat(frames)).toEqual(pydicomPixels(`${SAMPLES}/image_dfl.dcm`));
    expect(framesFlat(readImageFrames(sample("image_dfl.dcm")).frames)).toEqual(framesFlat(frames));
  });
});

describe("HTJ2K", () => {
  it("a lossless HTJ2K codestream made by OpenJPH's own encoder decodes to the original pixels", () => {
    // MR_small's pixels (positive, 16-bit) as a 16-bit PGM, compressed by ojph_compress, wrapped by pydicom.
    const pgm = path.join(dir, "mr.pgm");
    const j2c = path.join(dir, "mr.j2c");
    const dcm = path.join(dir, "mr_htj2k.dcm");
    python(
      `import pydicom, sys, numpy as np
a = pydicom.dcmread(sys.argv[1]).pixel_array.astype(">u2")
open(sys.argv[2], "wb").write(b"P5\\n%d %d\\n65535\\n" % (a.shape[1], a.shape[0]) + a.tobytes())`,
      `${SAMPLES}/MR_small.dcm`,
      pgm,
    );
    execFileSync("ojph_compress", ["-i", pgm, "-o", j2c, "-reversible", "true"]);
    python(
      `import pydicom, sys
from pydicom.encaps import encapsulate
from pydicom.uid import UID
# pydicom 2.3 predates the HTJ2K UIDs: let it write one as the compressed syntax it is.
UID.is_transfer_syntax = property(lambda self: True)
UID.is_compressed = property(lambda self: self.startswith("1.2.840.10008.1.2.4."))
ds = pydicom.dcmread(sys.argv[1])
ds.PixelRepresentation = 0
ds.PixelData = encapsulate([open(sys.argv[2], "rb").read()])
ds["PixelData"].VR = "OB"
ds.file_meta.TransferSyntaxUID = UID("1.2.840.10008.1.2.4.201")
ds.is_implicit_VR = False
ds.is_little_endian = True
ds.save_as(sys.argv[3], write_like_original=False)`,
      `${SAMPLES}/MR_small.dcm`,
      j2c,
      dcm,
    );
    const { meta, frames } = decodePart10(new Uint8Array(readFileSync(dcm)));
    expect(meta.transferSyntax).toBe("1.2.840.10008.1.2.4.201");
    expect(Array.from(frames[0]!)).toEqual(pydicomPixels(`${SAMPLES}/MR_small.dcm`));
  });

  it("a transfer syntax with no codec is refused naming it and what would help", () => {
    expect(() => decodePart10(sample("JPEG-lossy.dcm"))).toThrow(UnsupportedPixelDataError);
    expect(() => decodePart10(sample("JPEG-lossy.dcm"))).toThrow(
      /^transfer syntax 1\.2\.840\.10008\.1\.2\.4\.51 \(JPEG Extended \(12-bit\)\) cannot be decoded here \(no codec for it\); turn on the source's transcoding capability/,
    );
  });
});

describe("colour images", () => {
  it("are refused by default, naming the colour space and transfer syntax, never read as grey", () => {
    for (const name of [
      "SC_rgb_small_odd.dcm",
      "SC_ybr_full_422_uncompressed.dcm",
      "SC_rgb_rle.dcm",
      "SC_rgb_jpeg_dcmtk.dcm",
    ]) {
      expect(() => decodePart10(sample(name)), name).toThrow(ColourImageError);
      expect(() => readImageFrames(sample(name)), name).toThrow(ColourImageError);
    }
    expect(() => decodePart10(sample("SC_rgb_rle.dcm"))).toThrow(
      /^RGB colour image \(3 samples per pixel, transfer syntax 1\.2\.840\.10008\.1\.2\.5\): the model takes greyscale/,
    );
  });

  it.each([
    ["SC_rgb_small_odd.dcm", 0], // native RGB, interleaved
    ["SC_ybr_full_422_uncompressed.dcm", 0], // native YBR_FULL_422 (Y₁ Y₂ Cb Cr)
    ["SC_rgb_rle.dcm", 0], // RLE, 8-bit RGB
    ["SC_rgb_rle_16bit.dcm", 0.01], // RLE, 16-bit RGB (luminance kept as 32-bit floats)
    ["SC_rgb_rle_2frame.dcm", 0], // RLE, two frames
    ["SC_rgb_jpeg_dcmtk.dcm", 2], // JPEG baseline YBR_FULL: lossy decoders differ by a grey level or two
  ])("%s turns into pydicom's luminance (within %d)", (name, tolerance) => {
    const { meta, frames } = decodePart10(sample(name), { colour: "luminance" });
    expect(meta).toMatchObject({ samplesPerPixel: 1, photometric: "MONOCHROME2" });
    const expected = pydicomLuminance(`${SAMPLES}/${name}`);
    expect(framesFlat(frames)).toHaveLength(expected.length);
    expect(worstDifference(framesFlat(frames), expected)).toBeLessThanOrEqual(tolerance + 1e-3);
  });

  it("planar RGB (planar configuration 1, made by pydicom) gives the same luminance as interleaved", () => {
    const file = path.join(dir, "planar.dcm");
    python(
      `import pydicom, sys, numpy as np
ds = pydicom.dcmread(sys.argv[1])
a = ds.pixel_array
ds.PlanarConfiguration = 1
ds.PixelData = np.ascontiguousarray(a.transpose(2, 0, 1)).tobytes()
ds.save_as(sys.argv[2])`,
      `${SAMPLES}/SC_rgb_small_odd.dcm`,
      file,
    );
    const planar = decodePart10(new Uint8Array(readFileSync(file)), { colour: "luminance" });
    expect(framesFlat(planar.frames)).toEqual(pydicomLuminance(`${SAMPLES}/SC_rgb_small_odd.dcm`).map(Math.fround));
  });

  it("palette colour (a file pydicom writes) looks its values up in the three tables", () => {
    const file = path.join(dir, "palette.dcm");
    python(
      `import pydicom, sys, numpy as np
ds = pydicom.dcmread(sys.argv[1])
a = (ds.pixel_array.astype(np.int32) % 200).astype(np.uint8)
ds.PhotometricInterpretation = "PALETTE COLOR"
ds.BitsAllocated = 8; ds.BitsStored = 8; ds.HighBit = 7; ds.PixelRepresentation = 0
ds.PixelData = a.tobytes()
ramp = np.arange(256)
for name, lut in (("Red", ramp * 257), ("Green", (255 - ramp) * 257), ("Blue", (ramp * 3 % 256) * 257)):
    setattr(ds, name + "PaletteColorLookupTableDescriptor", [256, 0, 16])
    setattr(ds, name + "PaletteColorLookupTableData", lut.astype("<u2").tobytes())
    ds[name + "PaletteColorLookupTableDescriptor"].VR = "US"
    ds[name + "PaletteColorLookupTableData"].VR = "OW"
ds.save_as(sys.argv[2])`,
      `${SAMPLES}/MR_small.dcm`,
      file,
    );
    const bytes = new Uint8Array(readFileSync(file));
    expect(() => readImageFrames(bytes)).toThrow(/^PALETTE COLOR colour image/);
    const { meta, frames } = readImageFrames(bytes, { colour: "luminance" });
    expect(meta).toMatchObject({ photometric: "MONOCHROME2", bitsStored: 16 });
    expect(worstDifference(framesFlat(frames), pydicomLuminance(file))).toBeLessThan(0.02);
  });

  it("the pipeline calls a colour image not applicable, with the reason, unless its manifest converts it", () => {
    const manifest = validManifest({ colour: "refuse" });
    expect(() => planInput([sample("SC_rgb_rle.dcm")], manifest)).toThrow(InputNotApplicableError);
    expect(() => planInput([sample("SC_rgb_rle.dcm")], manifest)).toThrow(/^RGB colour image/);
    const plan = planInput([sample("SC_rgb_rle.dcm")], validManifest({ colour: "luminance" }));
    expect(plan.dims).toEqual([1, 1, 32, 32]);
  });
});

describe("enhanced multi-frame images", () => {
  it("one image of shuffled frames with per-frame positions and a shared rescale gives the same input as its single-frame slices", () => {
    const study = generateStudy({
      seed: 4242,
      kind: "head-ct",
      finding: "ich-subdural",
      sliceCount: 14,
      size: 64,
      withLocalizer: false,
    });
    const slices = study.instances.map((b) => readPart10(b));
    // Frames in a scrambled order: only their positions say where each belongs.
    const order = [5, 0, 13, 2, 9, 1, 12, 3, 7, 11, 4, 8, 10, 6];
    const {
      _meta: _m,
      PixelData: _p,
      RescaleSlope: _s,
      RescaleIntercept: _i,
      ImagePositionPatient: _ipp,
      ...header
    } = slices[0]!;
    const pixels = new Int16Array(order.length * 64 * 64);
    order.forEach((k, f) => pixels.set(new Int16Array((slices[k]!.PixelData as ArrayBuffer[])[0]!), f * 64 * 64));
    const multiFrame = writePart10(
      {
        ...header,
        SOPClassUID: "1.2.840.10008.5.1.4.1.1.2.1", // Enhanced CT Image Storage
        NumberOfFrames: order.length,
        SharedFunctionalGroupsSequence: [
          {
            PixelValueTransformationSequence: [
              {
                RescaleSlope: slices[0]!.RescaleSlope,
                RescaleIntercept: slices[0]!.RescaleIntercept,
                RescaleType: "HU",
              },
            ],
            PixelMeasuresSequence: [
              { SliceThickness: slices[0]!.SliceThickness, PixelSpacing: slices[0]!.PixelSpacing },
            ],
          },
        ],
        PerFrameFunctionalGroupsSequence: order.map((k) => ({
          PlanePositionSequence: [{ ImagePositionPatient: slices[k]!.ImagePositionPatient }],
        })),
      },
      pixels,
    );
    const manifest = validManifest({ colour: "refuse", minInstances: 12 });
    const one = planInput([multiFrame], manifest);
    const many = planInput(study.instances, manifest);
    expect(one.dims).toEqual(many.dims);
    expect(Array.from(one.fill(0, one.dims[0]))).toEqual(Array.from(many.fill(0, many.dims[0])));
    // The rescale came from the shared functional groups: HU, not stored values.
    expect(readImageFrames(multiFrame).meta.rescaleIntercept).toBe(Number(slices[0]!.RescaleIntercept));
  });

  it("a single-image series may be a volume: the listing lets it through, the image's frames decide", () => {
    const manifest = validManifest({ colour: "refuse", minInstances: 12 });
    const series = { modality: "CT", bodyPart: "HEAD", description: "", imageType: [], sliceThicknessMm: 5 };
    expect(seriesApplies(manifest, { ...series, instances: 1 })).toEqual({ applies: true });
    expect(seriesApplies(manifest, { ...series, instances: 1, frames: 40 })).toEqual({ applies: true });
    expect(seriesApplies(manifest, { ...series, instances: 1, frames: 3 })).toMatchObject({
      reason: "3 frames, fewer than 12",
    });
    expect(seriesApplies(manifest, { ...series, instances: 1, frames: null })).toMatchObject({
      reason: "1 instances, fewer than 12",
    });
    expect(seriesApplies(manifest, { ...series, instances: 2 })).toMatchObject({
      reason: "2 instances, fewer than 12",
    });
  });
});

function validManifest(options: { colour: "refuse" | "luminance"; minInstances?: number }): ModelManifest {
  const checked = validateManifest({
    id: "test-model",
    version: "1.0.0",
    task: "classification",
    intendedUse: "worklist prioritisation test",
    notForClinicalUse: true,
    license: "MIT",
    authors: ["test"],
    trainingData: "none",
    file: { path: "model.onnx", sha256: "0".repeat(64) },
    series: { modalities: ["CT", "OT", "SC"], minInstances: options.minInstances ?? 1 },
    input: { name: "image", layout: "NCHW", shape: [-1, 1, 32, 32], dtype: "float32", unit: "slice" },
    preprocessing: { scaling: "minmax", colour: options.colour },
    outputs: [{ name: "logits", findingCode: "x", displayName: "X", activation: "sigmoid", criticalThreshold: 0.5 }],
    aggregation: { method: "max" },
    operatingPoint: { sensitivity: 1, specificity: 1, measuredOn: "nothing" },
  });
  if (!checked.ok) throw new Error(checked.problems.join("; "));
  return checked.manifest;
}

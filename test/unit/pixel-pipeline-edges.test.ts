// Edges of the pixel pipeline (lib/dicom/pixel-data.ts) worked out by hand: resampling to
// other sizes, the one-pass channel resample's statistics, MONOCHROME1 with a non-zero minimum,
// and where an enhanced image's rescale and frame positions come from.
import { describe, expect, it } from "vitest";
import {
  decodePart10,
  framePositionsOf,
  resizeBilinear,
  resizeChannelsInto,
  toModalityValues,
  UnsupportedPixelDataError,
  withSharedRescale,
  type ImageMeta,
} from "@/lib/dicom/pixel-data";
import { writePart10 } from "@/lib/dicom/part10";

const meta: ImageMeta = {
  rows: 1,
  columns: 3,
  frames: 1,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 16,
  pixelRepresentation: 0,
  photometric: "MONOCHROME1",
  rescaleSlope: 1,
  rescaleIntercept: 0,
  transferSyntax: "1.2.840.10008.1.2.1",
};

describe("resampling", () => {
  it("1×2 to 1×4 by pixel centres: [0, 1] → [0, 0.25, 0.75, 1]; only rows or only columns equal is still a resize", () => {
    expect(Array.from(resizeBilinear(new Float32Array([0, 1]), 1, 2, 1, 4))).toEqual([0, 0.25, 0.75, 1]);
    // 2×1 to 4×1: the same along the other axis.
    expect(Array.from(resizeBilinear(new Float32Array([0, 1]), 2, 1, 4, 1))).toEqual([0, 0.25, 0.75, 1]);
    const out = new Float32Array(4);
    const window = { window: { center: 0.5, width: 1 } }; // (v − 0) / 1 on [0, 1]
    resizeChannelsInto(new Float32Array([0, 1]), 1, 2, 1, 4, { slope: 1, intercept: 0 }, [window], out, [0], [0], [1]);
    expect(Array.from(out)).toEqual([0, 0.25, 0.75, 1]);
    resizeChannelsInto(new Float32Array([0, 1]), 2, 1, 4, 1, { slope: 1, intercept: 0 }, [window], out, [0], [0], [1]);
    expect(Array.from(out)).toEqual([0, 0.25, 0.75, 1]);
  });

  it("a window channel: rescale, window, then (v − mean) / std, counting values strictly inside (0, 1)", () => {
    // stored 0, 5, 10 × slope 2 = 0, 10, 20 HU; window centre 10, width 20 → 0, 0.5, 1; mean 0.5, std 0.5 → −1, 0, 1.
    const out = new Float32Array(3);
    const stats = resizeChannelsInto(
      new Float32Array([0, 5, 10]),
      1,
      3,
      1,
      3,
      { slope: 2, intercept: 0 },
      [{ window: { center: 10, width: 20 } }],
      out,
      [0],
      [0.5],
      [0.5],
    );
    expect(Array.from(out)).toEqual([-1, 0, 1]);
    expect(stats).toEqual({ inside: 1, flat: false });
  });

  it("a function channel: the same steps through the function; std divides", () => {
    const out = new Float32Array(3);
    const stats = resizeChannelsInto(
      new Float32Array([0, 5, 10]),
      1,
      3,
      1,
      3,
      { slope: 2, intercept: 0 },
      [{ map: (v) => v / 20 }],
      out,
      [0],
      [0.5],
      [2],
    );
    expect(Array.from(out)).toEqual([-0.25, 0, 0.25]);
    expect(stats).toEqual({ inside: 1, flat: false });
  });

  it("a flat image is reported flat, and only channel 0's statistics are returned", () => {
    const out = new Float32Array(6);
    // Channel 0: everything above the window → all 1, flat, none inside. Channel 1: 0.1, 0.2, 0.3.
    const stats = resizeChannelsInto(
      new Float32Array([1, 2, 3]),
      1,
      3,
      1,
      3,
      { slope: 1, intercept: 0 },
      [{ window: { center: -10, width: 2 } }, { map: (v) => v / 10 }],
      out,
      [0, 3],
      [0, 0],
      [1, 1],
    );
    expect(stats).toEqual({ inside: 0, flat: true });
    expect(Array.from(out.subarray(0, 3))).toEqual([1, 1, 1]);
    expect(Array.from(out.subarray(3)).map((v) => Math.round(v * 10) / 10)).toEqual([0.1, 0.2, 0.3]);
    const flatMapped = resizeChannelsInto(
      new Float32Array([1, 2, 3]),
      1,
      3,
      1,
      3,
      { slope: 1, intercept: 0 },
      [{ map: () => 0.5 }],
      new Float32Array(3),
      [0],
      [0],
      [1],
    );
    expect(flatMapped).toEqual({ inside: 3, flat: true });
  });
});

describe("modality values", () => {
  it("MONOCHROME1 turns around its own range: 10, 50, 20 → 50, 10, 40 (max + min − v)", () => {
    expect(
      Array.from(toModalityValues(new Float32Array([10, 50, 20]), meta, { rescale: true, invertMonochrome1: true })),
    ).toEqual([50, 10, 40]);
    expect(
      Array.from(toModalityValues(new Float32Array([10, 50, 20]), meta, { rescale: true, invertMonochrome1: false })),
    ).toEqual([10, 50, 20]);
  });
});

describe("enhanced multi-frame images", () => {
  const base = { ...meta, photometric: "MONOCHROME2" };
  const group = (slope: string, intercept: string) => [
    { PixelValueTransformationSequence: [{ RescaleSlope: slope, RescaleIntercept: intercept }] },
  ];

  it("take the rescale from the shared groups, else the first frame's; a top-level rescale wins", () => {
    expect(withSharedRescale(base, { SharedFunctionalGroupsSequence: group("2", "-5") })).toMatchObject({
      rescaleSlope: 2,
      rescaleIntercept: -5,
    });
    expect(withSharedRescale(base, { PerFrameFunctionalGroupsSequence: group("3", "4") })).toMatchObject({
      rescaleSlope: 3,
      rescaleIntercept: 4,
    });
    expect(withSharedRescale(base, { RescaleIntercept: -1024, SharedFunctionalGroupsSequence: group("2", "-5") })).toBe(
      base,
    );
    expect(withSharedRescale(base, { RescaleSlope: 1, SharedFunctionalGroupsSequence: group("2", "-5") })).toBe(base);
    expect(withSharedRescale(base, {})).toBe(base);
  });

  it("a zero or unreadable slope in the groups counts as 1, an unreadable intercept as 0", () => {
    expect(withSharedRescale(base, { SharedFunctionalGroupsSequence: group("0", "x") })).toMatchObject({
      rescaleSlope: 1,
      rescaleIntercept: 0,
    });
    expect(withSharedRescale(base, { SharedFunctionalGroupsSequence: group("x", "7") })).toMatchObject({
      rescaleSlope: 1,
      rescaleIntercept: 7,
    });
  });

  it("list each frame's z only when every frame has a position and the count matches", () => {
    const frame = (z: number | null) => ({
      PlanePositionSequence: [{ ImagePositionPatient: z === null ? [0, 0] : [0, 0, z] }],
    });
    expect(framePositionsOf({ PerFrameFunctionalGroupsSequence: [frame(-4), frame(1)] }, 2)).toEqual([-4, 1]);
    expect(framePositionsOf({ PerFrameFunctionalGroupsSequence: [frame(-4), frame(1)] }, 3)).toBeNull();
    expect(framePositionsOf({ PerFrameFunctionalGroupsSequence: [frame(-4)] }, 1)).toBeNull();
    expect(framePositionsOf({ PerFrameFunctionalGroupsSequence: [frame(-4), frame(null)] }, 2)).toBeNull();
    expect(framePositionsOf({}, 2)).toBeNull();
  });
});

it("an instance without pixel data is refused by name", () => {
  const bytes = writePart10({
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.2",
    SOPInstanceUID: "2.25.9",
    Rows: 1,
    Columns: 1,
    BitsAllocated: 16,
    BitsStored: 16,
    PixelRepresentation: 0,
    SamplesPerPixel: 1,
    PhotometricInterpretation: "MONOCHROME2",
  });
  expect(() => decodePart10(bytes)).toThrow(UnsupportedPixelDataError);
  expect(() => decodePart10(bytes)).toThrow("the instance has no pixel data");
});

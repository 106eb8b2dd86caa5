// Native pixel decoding and the header check, byte by byte: every expected value below is worked
// out by hand from the bytes (two's complement, masking, byte order), not taken from the code.
import { describe, expect, it } from "vitest";
import {
  checkedImageMeta,
  decodeNativeFrame,
  imageMeta,
  TRANSFER_SYNTAX,
  UnsupportedPixelDataError,
  type ImageMeta,
} from "@/lib/dicom/native-pixels";

const header = {
  rows: 2,
  columns: 3,
  frames: 1,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 12,
  pixelRepresentation: 1,
  photometric: "MONOCHROME2" as string | null,
  rescaleSlope: 1 as number | null,
  rescaleIntercept: -1024,
  transferSyntax: TRANSFER_SYNTAX.explicitLittle as string,
};

const refusal = (change: Partial<typeof header>) => {
  try {
    checkedImageMeta({ ...header, ...change });
  } catch (e) {
    expect(e).toBeInstanceOf(UnsupportedPixelDataError);
    return (e as Error).message;
  }
  return "accepted";
};

describe("a header that contradicts itself is refused by name before any byte is read", () => {
  it("refuses each impossible attribute with its own words", () => {
    expect(refusal({ rows: 0 })).toBe("the image is 0 × 3 pixels (Rows × Columns)");
    expect(refusal({ columns: 0 })).toBe("the image is 2 × 0 pixels (Rows × Columns)");
    expect(refusal({ pixelRepresentation: 2 })).toBe("PixelRepresentation 2 is neither 0 (unsigned) nor 1 (signed)");
    expect(refusal({ bitsStored: 0 })).toBe("BitsStored 0 does not fit BitsAllocated 16");
    expect(refusal({ bitsStored: 17 })).toBe("BitsStored 17 does not fit BitsAllocated 16");
    expect(refusal({ photometric: null })).toBe("the image has no PhotometricInterpretation");
    expect(refusal({ photometric: "CMYK" })).toBe("PhotometricInterpretation CMYK is not one ReadNext reads");
    expect(refusal({ rescaleSlope: Number.NaN })).toBe("RescaleSlope is not a number");
    expect(refusal({ rescaleSlope: 0 })).toBe("RescaleSlope 0 would give every pixel one value");
  });

  it("refuses a rescale whose largest value leaves 32-bit floats (about 3.4e38), counting slope and intercept together", () => {
    // 1e36 × 2^12 = 4.1e39: beyond float32.
    expect(refusal({ rescaleSlope: 1e36 })).toBe(
      "RescaleSlope 1e+36 and RescaleIntercept -1024 take pixel values beyond any real range",
    );
    // 5e34 × 4096 = 2.05e38 fits alone and 2e38 fits alone; together 4.05e38 does not.
    expect(refusal({ rescaleSlope: 5e34, rescaleIntercept: 0 })).toBe("accepted");
    expect(refusal({ rescaleSlope: 1, rescaleIntercept: 2e38 })).toBe("accepted");
    expect(refusal({ rescaleSlope: 5e34, rescaleIntercept: 2e38 })).toMatch(/beyond any real range/);
    expect(refusal({ rescaleSlope: -5e34, rescaleIntercept: -2e38 })).toMatch(/beyond any real range/);
  });

  it("accepts the edges: one pixel, one stored bit, all bits stored, unsigned, every photometric it reads", () => {
    expect(refusal({ rows: 1, columns: 1 })).toBe("accepted");
    expect(refusal({ bitsStored: 1 })).toBe("accepted");
    expect(refusal({ bitsStored: 16 })).toBe("accepted");
    expect(refusal({ pixelRepresentation: 0 })).toBe("accepted");
    for (const p of [
      "MONOCHROME1",
      "RGB",
      "PALETTE COLOR",
      "YBR_FULL",
      "YBR_FULL_422",
      "YBR_PARTIAL_420",
      "YBR_ICT",
      "YBR_RCT",
    ])
      expect(refusal({ photometric: p })).toBe("accepted");
    const meta = checkedImageMeta({ ...header, rescaleSlope: null, pixelRepresentation: 0 });
    expect(meta).toEqual({ ...header, rescaleSlope: 1, pixelRepresentation: 0, photometric: "MONOCHROME2" });
  });

  it("reads the header from a dataset: empty values count as absent, BitsStored defaults to BitsAllocated, names are trimmed", () => {
    const ds = {
      Rows: 4,
      Columns: [5],
      BitsAllocated: 8,
      PhotometricInterpretation: ["MONOCHROME1 "],
      RescaleSlope: "",
      RescaleIntercept: "-7",
    };
    expect(imageMeta(ds, TRANSFER_SYNTAX.implicitLittle)).toEqual({
      rows: 4,
      columns: 5,
      frames: 1,
      samplesPerPixel: 1,
      bitsAllocated: 8,
      bitsStored: 8,
      pixelRepresentation: 0,
      photometric: "MONOCHROME1",
      rescaleSlope: 1,
      rescaleIntercept: -7,
      transferSyntax: TRANSFER_SYNTAX.implicitLittle,
    });
    expect(() => imageMeta({ ...ds, PhotometricInterpretation: "" }, TRANSFER_SYNTAX.implicitLittle)).toThrow(
      "the image has no PhotometricInterpretation",
    );
    expect(() => imageMeta({ ...ds, PhotometricInterpretation: [null] }, TRANSFER_SYNTAX.implicitLittle)).toThrow(
      "the image has no PhotometricInterpretation",
    );
    expect(imageMeta({ ...ds, BitsStored: 6, NumberOfFrames: "3" }, TRANSFER_SYNTAX.implicitLittle)).toMatchObject({
      bitsStored: 6,
      frames: 3,
    });
  });
});

const meta = (m: Partial<ImageMeta>): ImageMeta => ({
  rows: 1,
  columns: 2,
  frames: 1,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 16,
  pixelRepresentation: 0,
  photometric: "MONOCHROME2",
  rescaleSlope: 1,
  rescaleIntercept: 0,
  transferSyntax: TRANSFER_SYNTAX.explicitLittle,
  ...m,
});
const decode = (bytes: number[] | Uint8Array, m: Partial<ImageMeta>, frame = 0) =>
  Array.from(decodeNativeFrame(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), meta(m), frame));

describe("stored values of a native frame, worked out by hand", () => {
  it("16 bits, little endian: unsigned and two's complement", () => {
    expect(decode([0x34, 0x12, 0xff, 0xff], {})).toEqual([0x1234, 65535]);
    expect(decode([0xff, 0xff, 0x00, 0x80], { pixelRepresentation: 1 })).toEqual([-1, -32768]);
  });

  it("8 bits: unsigned and two's complement, and 7 of 8 bits stored", () => {
    expect(decode([0xff, 0x80, 0x7f], { columns: 3, bitsAllocated: 8, bitsStored: 8 })).toEqual([255, 128, 127]);
    expect(decode([0xff, 0x80, 0x7f], { columns: 3, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 1 })).toEqual(
      [-1, -128, 127],
    );
    // 0xC0 masked to 7 bits is 0x40 = 64, the sign bit: 64 − 128 = −64. 0xBF → 0x3F = 63.
    expect(decode([0xc0, 0xbf], { bitsAllocated: 8, bitsStored: 7, pixelRepresentation: 1 })).toEqual([-64, 63]);
    expect(decode([0xc0, 0xbf], { bitsAllocated: 8, bitsStored: 7 })).toEqual([64, 63]);
  });

  it("12 of 16 bits: junk above bit 12 is masked off, then the sign extended", () => {
    expect(decode([0x23, 0xf1, 0xff, 0x07], { bitsStored: 12 })).toEqual([0x123, 0x7ff]);
    expect(decode([0x00, 0xf8, 0xff, 0x07], { bitsStored: 12, pixelRepresentation: 1 })).toEqual([-2048, 2047]);
  });

  it("a frame starting at an odd byte offset in its buffer reads the same values", () => {
    const buffer = new Uint8Array([0x99, 0x34, 0x12, 0x78, 0x56]);
    expect(decode(buffer.subarray(1), {})).toEqual([0x1234, 0x5678]);
    expect(decode(buffer.subarray(1), { bitsStored: 12 })).toEqual([0x234, 0x678]);
    expect(decode(buffer.subarray(1), { pixelRepresentation: 1 })).toEqual([0x1234, 0x5678]);
  });

  it("the second frame starts after the first frame's bytes; a buffer one byte short is refused", () => {
    const two = [1, 0, 2, 0, 3, 0, 4, 0];
    expect(decode(two, { frames: 2 }, 1)).toEqual([3, 4]);
    expect(decode(two, { frames: 2, columns: 1, samplesPerPixel: 2 }, 1)).toEqual([3, 4]);
    expect(() => decode(two.slice(0, 7), { frames: 2 }, 1)).toThrow(
      "pixel data holds fewer bytes than 2 frame(s) of 1×2 need",
    );
    expect(() => decode([1, 0, 2], {})).toThrow(UnsupportedPixelDataError);
  });

  it("big endian: the high byte first, signed and masked too", () => {
    const big = { transferSyntax: TRANSFER_SYNTAX.explicitBig };
    expect(decode([0x12, 0x34, 0xff, 0xfe], big)).toEqual([0x1234, 0xfffe]);
    expect(decode([0x12, 0x34, 0xff, 0xfe], { ...big, pixelRepresentation: 1 })).toEqual([0x1234, -2]);
    expect(decode([0xf8, 0x00, 0x07, 0xff], { ...big, bitsStored: 12, pixelRepresentation: 1 })).toEqual([-2048, 2047]);
    expect(decode([0xc0, 0xbf], { ...big, bitsAllocated: 8, bitsStored: 7, pixelRepresentation: 1 })).toEqual([
      -64, 63,
    ]);
  });

  it("32 bits: both byte orders, all 32 bits signed, and fewer bits masked", () => {
    const m32 = { columns: 1, bitsAllocated: 32, bitsStored: 32 };
    expect(decode([0x01, 0x00, 0x01, 0x00], m32)).toEqual([65537]);
    expect(decode([0x00, 0x01, 0x00, 0x01], { ...m32, transferSyntax: TRANSFER_SYNTAX.explicitBig })).toEqual([65537]);
    expect(decode([0xff, 0xff, 0xff, 0xff], { ...m32, pixelRepresentation: 1 })).toEqual([-1]);
    expect(decode([0xff, 0xff, 0xff, 0xff], { ...m32, bitsStored: 20 })).toEqual([0xfffff]);
    expect(decode([0xff, 0xff, 0xff, 0xff], { ...m32, bitsStored: 20, pixelRepresentation: 1 })).toEqual([-1]);
  });

  it("refuses a sample size it cannot read by name", () => {
    expect(() => decode([0, 0, 0, 0, 0, 0], { bitsAllocated: 24, bitsStored: 24 })).toThrow(
      "BitsAllocated 24 is not supported",
    );
  });
});

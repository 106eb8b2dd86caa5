// The pipeline's reader (readImageFrames) on small hand-made files: its fast path must only be
// taken where reading the bytes in place is right, and every value below is known from how the
// file was written, not from the reader.
import { describe, expect, it } from "vitest";
import { readImageFrames } from "@/lib/dicom/image-frames";
import { writePart10, type Dataset } from "@/lib/dicom/part10";
import { UnsupportedPixelDataError } from "@/lib/dicom/native-pixels";

const CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";
const ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1";

function file(extra: Dataset, pixels: number[], signed = false): Uint8Array {
  return writePart10(
    {
      SOPClassUID: CT_IMAGE,
      SOPInstanceUID: "2.25.1234",
      Modality: "CT",
      Rows: 2,
      Columns: 2,
      SamplesPerPixel: 1,
      PhotometricInterpretation: "MONOCHROME2",
      BitsAllocated: 16,
      BitsStored: 16,
      HighBit: 15,
      PixelRepresentation: signed ? 1 : 0,
      ...extra,
    },
    signed ? new Int16Array(pixels) : new Uint16Array(pixels),
  );
}
const values = (bytes: Uint8Array) => readImageFrames(bytes).frames.map((f) => Array.from(f));

describe("readImageFrames on hand-made files", () => {
  it("reads 16-bit pixels as written, signed or not, with the rescale, position and InstanceNumber of the header", () => {
    const image = readImageFrames(
      file(
        {
          RescaleSlope: "2",
          RescaleIntercept: "-1024",
          ImagePositionPatient: [0, 0, 12.5],
          InstanceNumber: "7",
        },
        [-1000, 0, 5, 32767],
        true,
      ),
    );
    expect(image.frames.map((f) => Array.from(f))).toEqual([[-1000, 0, 5, 32767]]);
    expect(image.meta).toMatchObject({ rows: 2, columns: 2, rescaleSlope: 2, rescaleIntercept: -1024, frames: 1 });
    expect(image.position).toBe(12.5);
    expect(image.instanceNumber).toBe(7);
    expect(image.framePositions).toBeNull();
    expect(values(file({}, [1, 2, 65535, 40000]))).toEqual([[1, 2, 65535, 40000]]);
  });

  it("without ImagePositionPatient the InstanceNumber places the slice; without either, 0 and no number", () => {
    const numbered = readImageFrames(file({ InstanceNumber: "9" }, [0, 0, 0, 0]));
    expect([numbered.position, numbered.instanceNumber]).toEqual([9, 9]);
    const bare = readImageFrames(file({}, [0, 0, 0, 0]));
    expect([bare.position, bare.instanceNumber]).toEqual([0, null]);
  });

  it("an InstanceNumber that is no number is no number; a position without three values falls back to it", () => {
    // Fast path (native 16-bit): "x7" parses to nothing finite.
    const junk = readImageFrames(file({ InstanceNumber: "x7" }, [0, 0, 0, 0]));
    expect(junk.instanceNumber).toBeNull();
    // Two coordinates are not a position: InstanceNumber 4 places the slice.
    const flat = readImageFrames(file({ ImagePositionPatient: [1, 2], InstanceNumber: "4" }, [0, 0, 0, 0]));
    expect([flat.position, flat.instanceNumber]).toEqual([4, 4]);
    // The other reader (12 of 16 bits goes through dcmjs): an empty InstanceNumber is none, not 0.
    const masked = readImageFrames(file({ BitsStored: 12, HighBit: 11, InstanceNumber: "" }, [0, 0, 0, 0]));
    expect(masked.instanceNumber).toBeNull();
    const numbered = readImageFrames(file({ BitsStored: 12, HighBit: 11, InstanceNumber: "0" }, [0, 0, 0, 0]));
    expect(numbered.instanceNumber).toBe(0);
  });

  it("a header without SamplesPerPixel or BitsStored reads as one sample of BitsAllocated bits", () => {
    const bytes = file({ SamplesPerPixel: undefined, BitsStored: undefined, HighBit: undefined }, [1, 2, 300, 65535]);
    const image = readImageFrames(bytes);
    expect(image.meta).toMatchObject({ samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16 });
    expect(image.frames.map((f) => Array.from(f))).toEqual([[1, 2, 300, 65535]]);
    const eight = readImageFrames(
      writePart10(
        {
          SOPClassUID: CT_IMAGE,
          SOPInstanceUID: "2.25.1235",
          Rows: 2,
          Columns: 2,
          PhotometricInterpretation: "MONOCHROME2",
          BitsAllocated: 8,
          PixelRepresentation: 0,
        },
        // writePart10 takes 16-bit words: these four bytes, written as two.
        new Uint16Array(new Uint8Array([1, 2, 200, 255]).buffer),
      ),
    );
    expect(eight.meta).toMatchObject({ samplesPerPixel: 1, bitsAllocated: 8, bitsStored: 8 });
    expect(eight.frames.map((f) => Array.from(f))).toEqual([[1, 2, 200, 255]]);
  });

  it("12 of 16 bits stored: junk above bit 12 is masked off (the in-place view would keep it)", () => {
    // 0xF123 → 0x123 = 291; 0x8FFF → 0xFFF = 4095; signed 12-bit 0xFFF is −1 and 0x800 is −2048.
    expect(values(file({ BitsStored: 12, HighBit: 11 }, [0xf123, 0x8fff, 0x0800, 0x0001]))).toEqual([
      [291, 4095, 2048, 1],
    ]);
    expect(
      values(file({ BitsStored: 12, HighBit: 11, PixelRepresentation: 1 }, [0xf123, 0x8fff, 0x0800, 0x0001])),
    ).toEqual([[291, -1, -2048, 1]]);
  });

  it("two frames: the second starts where the first ends", () => {
    expect(values(file({ NumberOfFrames: "2", Rows: 1 }, [1, 2, 3, 4]))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("an enhanced multi-frame image takes its rescale and each frame's position from the functional groups (per-frame or shared)", () => {
    const image = readImageFrames(
      file(
        {
          SOPClassUID: ENHANCED_CT,
          NumberOfFrames: "2",
          Rows: 1,
          // Per-frame groups only: the first frame's rescale stands for all.
          PerFrameFunctionalGroupsSequence: [-40, -35].map((z) => ({
            PixelValueTransformationSequence: [{ RescaleSlope: "2", RescaleIntercept: "-100", RescaleType: "HU" }],
            PlanePositionSequence: [{ ImagePositionPatient: [0, 0, z] }],
          })),
        },
        [10, 20, 30, 40],
      ),
    );
    expect(image.meta).toMatchObject({ rescaleSlope: 2, rescaleIntercept: -100, frames: 2 });
    expect(image.framePositions).toEqual([-40, -35]);
    expect(image.frames.map((f) => Array.from(f))).toEqual([
      [10, 20],
      [30, 40],
    ]);
    // Shared groups alone (no per-frame groups) still carry the rescale.
    const shared = readImageFrames(
      file(
        {
          SOPClassUID: ENHANCED_CT,
          SharedFunctionalGroupsSequence: [
            { PixelValueTransformationSequence: [{ RescaleSlope: "0.5", RescaleIntercept: "7", RescaleType: "HU" }] },
          ],
        },
        [1, 2, 3, 4],
      ),
    );
    expect(shared.meta).toMatchObject({ rescaleSlope: 0.5, rescaleIntercept: 7 });
  });

  it("a file placed at an odd byte offset of a larger buffer reads the same", () => {
    const bytes = file({}, [0x1234, 0x5678, 1, 65535]);
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    expect(values(shifted.subarray(1))).toEqual([[0x1234, 0x5678, 1, 65535]]);
  });

  it("refuses a file whose pixel data runs past its end, saying how many bytes it holds", () => {
    const bytes = file({}, [1, 2, 3, 4]);
    const cut = bytes.subarray(0, bytes.byteLength - 2);
    expect(() => readImageFrames(cut)).toThrow(UnsupportedPixelDataError);
    expect(() => readImageFrames(cut)).toThrow(
      "the pixel data says 8 bytes but the file holds 6 of them: cut short or corrupt",
    );
  });
});

import { describe, expect, it } from "vitest";
import {
  ColourImageError,
  isColour,
  luminanceOfPalette,
  luminanceOfThreeSamples,
  luminanceOfYbr422,
  readPalette,
  refuseColour,
} from "@/lib/dicom/colour";

// Hand-computed with BT.601's weights: Y = 0.299 R + 0.587 G + 0.114 B.
describe("colour to luminance, by hand", () => {
  it("RGB interleaved and planar give the same luminance; YBR's first sample is the luminance", () => {
    const interleaved = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];
    const planar = [255, 0, 0, 10, 0, 255, 0, 20, 0, 0, 255, 30];
    const expected = [76.245, 149.685, 29.07, 0.299 * 10 + 0.587 * 20 + 0.114 * 30];
    for (const [samples, isPlanar] of [
      [interleaved, false],
      [planar, true],
    ] as const)
      Array.from(luminanceOfThreeSamples(samples, 4, isPlanar, "RGB")).forEach((v, i) =>
        expect(v).toBeCloseTo(expected[i]!, 3),
      );
    expect(Array.from(luminanceOfThreeSamples([90, 1, 2, 91, 3, 4], 2, false, "YBR"))).toEqual([90, 91]);
    expect(Array.from(luminanceOfThreeSamples([90, 91, 1, 3, 2, 4], 2, true, "YBR"))).toEqual([90, 91]);
    expect(luminanceOfThreeSamples([1, 2, 3, 4, 5, 6], 2, false, "RGB")).toHaveLength(2);
  });

  it("YBR_FULL_422 keeps each pixel's own Y from Y₁ Y₂ Cb Cr", () => {
    expect(Array.from(luminanceOfYbr422([10, 20, 128, 128, 30, 40, 100, 90], 4))).toEqual([10, 20, 30, 40]);
    expect(luminanceOfYbr422([10, 20, 128, 128], 2)).toHaveLength(2);
  });

  it("palette colour: descriptors, 8-bit tables, the first mapped value, clamping, and what is refused", () => {
    const table = (values: number[]) => new Uint16Array(values).buffer;
    const ds = {
      RedPaletteColorLookupTableDescriptor: [3, 10, 16],
      GreenPaletteColorLookupTableDescriptor: [3, 10, 16],
      BluePaletteColorLookupTableDescriptor: [3, 10, 16],
      RedPaletteColorLookupTableData: [table([0, 1000, 2000])],
      GreenPaletteColorLookupTableData: [table([0, 0, 3000])],
      BluePaletteColorLookupTableData: [table([500, 0, 0, 999])],
    };
    const palette = readPalette(ds);
    expect(palette).toMatchObject({ first: 10, bits: 16 });
    expect(Array.from(palette.blue)).toEqual([500, 0, 0]);
    // 9 is below the first mapped value (→ entry 0), 11 is entry 1, 50 is past the end (→ last entry).
    const y = Array.from(luminanceOfPalette([9, 11, 50], palette));
    expect(y[0]).toBeCloseTo(0.114 * 500, 6);
    expect(y[1]).toBeCloseTo(0.299 * 1000, 6);
    expect(y[2]).toBeCloseTo(0.299 * 2000 + 0.587 * 3000, 6);

    // A descriptor of 0 entries means 65536; 8-bit tables may come one byte per entry.
    const eight = new Uint8Array([5, 6, 7]).buffer;
    const wide = readPalette({
      RedPaletteColorLookupTableDescriptor: [3, 0, 8],
      GreenPaletteColorLookupTableDescriptor: [3, 0, 8],
      BluePaletteColorLookupTableDescriptor: [3, 0, 8],
      RedPaletteColorLookupTableData: [eight],
      GreenPaletteColorLookupTableData: [eight],
      BluePaletteColorLookupTableData: [eight],
    });
    expect(Array.from(wide.red)).toEqual([5, 6, 7]);
    const full = readPalette({
      ...ds,
      RedPaletteColorLookupTableDescriptor: [0, 0, 16],
      RedPaletteColorLookupTableData: [new Uint16Array(65536).fill(7).buffer],
    });
    expect(full.red).toHaveLength(65536);

    expect(() =>
      readPalette({
        ...ds,
        RedPaletteColorLookupTableData: undefined,
        SegmentedRedPaletteColorLookupTableData: [table([1])],
      }),
    ).toThrow("a segmented palette colour lookup table is not supported here");
    expect(() => readPalette({ ...ds, GreenPaletteColorLookupTableDescriptor: [3, 10] })).toThrow(
      "PALETTE COLOR without a green lookup table",
    );
  });

  it("says what is colour, and refuses it in words", () => {
    expect(isColour({ samplesPerPixel: 1, photometric: "MONOCHROME2" })).toBe(false);
    expect(isColour({ samplesPerPixel: 1, photometric: "PALETTE COLOR" })).toBe(true);
    expect(isColour({ samplesPerPixel: 3, photometric: "RGB" })).toBe(true);
    expect(() =>
      refuseColour({ samplesPerPixel: 1, photometric: "PALETTE COLOR", transferSyntax: "1.2.840.10008.1.2.1" }),
    ).toThrow(
      new ColourImageError(
        'PALETTE COLOR colour image (1 sample per pixel, transfer syntax 1.2.840.10008.1.2.1): the model takes greyscale and its manifest refuses colour (preprocessing.colour "luminance" would convert it)',
      ),
    );
  });
});

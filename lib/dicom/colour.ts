// Colour images for greyscale models: refused by name, or turned into luminance when the
// model's manifest asks for it. Never read as if their samples were grey levels.
import type { Dataset } from "./part10";
import { first, UnsupportedPixelDataError, type ImageMeta } from "./native-pixels";

/** What a model does with a colour image (manifest preprocessing.colour). */
export type ColourHandling = "refuse" | "luminance";

/** A colour image a model takes only as greyscale: not applicable to it, with the reason. */
export class ColourImageError extends UnsupportedPixelDataError {}

export function isColour(meta: Pick<ImageMeta, "samplesPerPixel" | "photometric">): boolean {
  return meta.samplesPerPixel > 1 || meta.photometric === "PALETTE COLOR";
}

export function refuseColour(meta: Pick<ImageMeta, "samplesPerPixel" | "photometric" | "transferSyntax">): never {
  throw new ColourImageError(
    `${meta.photometric} colour image (${meta.samplesPerPixel} sample${meta.samplesPerPixel === 1 ? "" : "s"} per pixel, transfer syntax ${meta.transferSyntax}): the model takes greyscale and its manifest refuses colour (preprocessing.colour "luminance" would convert it)`,
  );
}

// ITU-R BT.601, the weights of DICOM's YBR_FULL Y (PS3.3 C.7.6.3.1.2).
const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

/**
 * Luminance of one frame of three-sample pixels. `samples` holds the frame as decoded:
 * interleaved (R G B R G B…) or, with planar configuration 1, plane by plane. `kind` says
 * what the samples are: RGB (also what JPEG and JPEG 2000 decoders return for YBR), or YBR,
 * whose first sample already is the luminance.
 */
export function luminanceOfThreeSamples(
  samples: ArrayLike<number>,
  pixels: number,
  planar: boolean,
  kind: "RGB" | "YBR",
): Float32Array {
  const out = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const [a, b, c] = planar
      ? [samples[i]!, samples[pixels + i]!, samples[2 * pixels + i]!]
      : [samples[3 * i]!, samples[3 * i + 1]!, samples[3 * i + 2]!];
    out[i] = kind === "YBR" ? a : luma(a, b, c);
  }
  return out;
}

/** Luminance of a native YBR_FULL_422 frame: Y₁ Y₂ Cb Cr per pair of pixels, so each Y is its pixel's luminance. */
export function luminanceOfYbr422(samples: ArrayLike<number>, pixels: number): Float32Array {
  const out = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) out[i] = samples[4 * (i >> 1) + (i & 1)]!;
  return out;
}

/** A palette colour image's lookup tables (PS3.3 C.7.6.3.1.5); segmented palettes are refused. */
export type Palette = { first: number; bits: number; red: Uint16Array; green: Uint16Array; blue: Uint16Array };

export function readPalette(ds: Dataset): Palette {
  const table = (colour: "Red" | "Green" | "Blue") => {
    const descriptor = ds[`${colour}PaletteColorLookupTableDescriptor`] as number[] | undefined;
    const data = first(ds[`${colour}PaletteColorLookupTableData`]) as ArrayBuffer | undefined;
    if (ds[`Segmented${colour}PaletteColorLookupTableData`] !== undefined && !data)
      throw new UnsupportedPixelDataError("a segmented palette colour lookup table is not supported here");
    if (!Array.isArray(descriptor) || descriptor.length !== 3 || !data)
      throw new UnsupportedPixelDataError(`PALETTE COLOR without a ${colour.toLowerCase()} lookup table`);
    const entries = descriptor[0] === 0 ? 65536 : Number(descriptor[0]);
    const bits = Number(descriptor[2]);
    const values =
      bits === 8 && data.byteLength < entries * 2
        ? Uint16Array.from(new Uint8Array(data).subarray(0, entries))
        : new Uint16Array(data.slice(0, entries * 2));
    return { first: Number(descriptor[1]), bits, values };
  };
  const [r, g, b] = [table("Red"), table("Green"), table("Blue")];
  return { first: r.first, bits: r.bits, red: r.values, green: g.values, blue: b.values };
}

/** Luminance of a palette colour frame: each stored value looked up (clamped to the table) in the three tables. */
export function luminanceOfPalette(stored: ArrayLike<number>, palette: Palette): Float32Array {
  const out = new Float32Array(stored.length);
  const last = palette.red.length - 1;
  for (let i = 0; i < stored.length; i++) {
    const k = Math.min(last, Math.max(0, stored[i]! - palette.first));
    out[i] = luma(palette.red[k]!, palette.green[k]!, palette.blue[k]!);
  }
  return out;
}

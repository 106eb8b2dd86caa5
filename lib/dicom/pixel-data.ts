import { readPart10, type Dataset } from "./part10";
import { decodeCompressedFrame, decodesToRgb, framesOfEncapsulated, isCompressed, nameOfSyntax } from "./codecs";
import {
  isColour,
  luminanceOfPalette,
  luminanceOfThreeSamples,
  luminanceOfYbr422,
  readPalette,
  refuseColour,
  type ColourHandling,
} from "./colour";
import {
  decodeNativeFrame,
  first,
  imageMeta,
  TRANSFER_SYNTAX,
  UnsupportedPixelDataError,
  type ImageMeta,
} from "./native-pixels";

export {
  decodeNativeFrame,
  imageMeta,
  TRANSFER_SYNTAX,
  UnsupportedPixelDataError,
  type ImageMeta,
} from "./native-pixels";

const NATIVE: readonly string[] = Object.values(TRANSFER_SYNTAX);

/** Modality values (e.g. Hounsfield units): rescale applied, and MONOCHROME1 turned so that higher is brighter. */
export function toModalityValues(
  stored: ArrayLike<number>,
  meta: ImageMeta,
  options: { rescale: boolean; invertMonochrome1: boolean },
): Float32Array {
  const out = new Float32Array(stored.length);
  const slope = options.rescale ? meta.rescaleSlope : 1;
  const intercept = options.rescale ? meta.rescaleIntercept : 0;
  for (let i = 0; i < stored.length; i++) out[i] = stored[i]! * slope + intercept;
  if (options.invertMonochrome1 && meta.photometric === "MONOCHROME1") {
    let min = Infinity;
    let max = -Infinity;
    for (const v of out) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    for (let i = 0; i < out.length; i++) out[i] = max + min - out[i]!;
  }
  return out;
}

/**
 * Every frame of a Part 10 file as stored values, with its meta. A colour image (RGB, YBR,
 * palette) is refused by name, or with `colour: "luminance"` turned into one luminance value
 * per pixel (then its meta says MONOCHROME2, one sample). Unknown transfer syntaxes are refused by name.
 */
export function decodePart10(
  bytes: Uint8Array,
  options: { colour?: ColourHandling } = {},
): { meta: ImageMeta; frames: Float32Array[]; dataset: Dataset } {
  const dataset = readPart10(bytes);
  const transferSyntax = String(
    first((dataset._meta as Dataset | undefined)?.TransferSyntaxUID) ?? TRANSFER_SYNTAX.implicitLittle,
  );
  const meta = withSharedRescale(imageMeta(dataset, transferSyntax), dataset);
  const pixelData = dataset.PixelData as ArrayBuffer[] | undefined;
  if (!pixelData?.[0]) throw new UnsupportedPixelDataError("the instance has no pixel data");
  const colour = isColour(meta);
  if (colour && options.colour !== "luminance") refuseColour(meta);
  if (colour && meta.samplesPerPixel !== 3 && meta.photometric !== "PALETTE COLOR")
    throw new UnsupportedPixelDataError(
      `${meta.photometric} with ${meta.samplesPerPixel} samples per pixel is not supported`,
    );
  const pixels = meta.rows * meta.columns;
  const palette = meta.photometric === "PALETTE COLOR" ? readPalette(dataset) : null;
  const planar = numberOrZero(dataset.PlanarConfiguration) === 1;
  const grey = !colour
    ? meta
    : {
        ...meta,
        samplesPerPixel: 1,
        photometric: "MONOCHROME2",
        bitsStored: palette ? palette.bits : meta.bitsStored,
        rescaleSlope: 1,
        rescaleIntercept: 0,
      };
  if (isCompressed(transferSyntax)) {
    const frames = framesOfEncapsulated(pixelData, meta.frames).map((frameBytes) => {
      const { samples, components } = decodeCompressedFrame(frameBytes, meta);
      if (palette) return luminanceOfPalette(samples, palette);
      if (components === 1) {
        if (colour)
          throw new UnsupportedPixelDataError(
            `the ${nameOfSyntax(transferSyntax)} frame of a ${meta.photometric} image has one component`,
          );
        return samples;
      }
      if (!colour) refuseColour({ ...meta, samplesPerPixel: components });
      // RLE keeps the stored colour space and plane order; JPEG and JPEG 2000 decoders give interleaved RGB.
      const rgb = decodesToRgb(transferSyntax);
      return luminanceOfThreeSamples(
        samples,
        pixels,
        false,
        !rgb && meta.photometric.startsWith("YBR") ? "YBR" : "RGB",
      );
    });
    return { meta: grey, dataset, frames };
  }
  if (!NATIVE.includes(transferSyntax))
    throw new UnsupportedPixelDataError(
      `transfer syntax ${nameOfSyntax(transferSyntax)} is not supported; turn on the source's transcoding capability so the PACS sends Explicit VR Little Endian`,
    );
  const raw = new Uint8Array(pixelData[0]);
  // Native YBR_FULL_422 holds two samples per pixel on average (Y₁ Y₂ Cb Cr per pair).
  const ybr422 = meta.photometric === "YBR_FULL_422";
  const sampleMeta = ybr422 ? { ...meta, samplesPerPixel: 2 } : meta;
  const frames = Array.from({ length: meta.frames }, (_, f) => {
    const samples = decodeNativeFrame(raw, sampleMeta, f);
    if (!colour) return samples;
    if (palette) return luminanceOfPalette(samples, palette);
    if (ybr422) return luminanceOfYbr422(samples, pixels);
    return luminanceOfThreeSamples(samples, pixels, planar, meta.photometric.startsWith("YBR") ? "YBR" : "RGB");
  });
  return { meta: grey, dataset, frames };
}

const numberOrZero = (v: unknown) => {
  const n = Number(first(v));
  return Number.isFinite(n) ? n : 0;
};

/**
 * An enhanced multi-frame image (CT, MR) keeps its rescale in the functional groups
 * (Pixel Value Transformation), not at the top level: taken from the shared groups, else
 * from the first frame's (frames with different rescales are not told apart).
 */
export function withSharedRescale(meta: ImageMeta, ds: Dataset): ImageMeta {
  if (ds.RescaleSlope !== undefined || ds.RescaleIntercept !== undefined) return meta;
  const group = (first(ds.SharedFunctionalGroupsSequence) ?? first(ds.PerFrameFunctionalGroupsSequence)) as
    Dataset | undefined;
  const transform = first(group?.PixelValueTransformationSequence) as Dataset | undefined;
  if (!transform) return meta;
  const slope = Number(first(transform.RescaleSlope));
  const intercept = Number(first(transform.RescaleIntercept));
  return {
    ...meta,
    rescaleSlope: Number.isFinite(slope) && slope !== 0 ? slope : 1,
    rescaleIntercept: Number.isFinite(intercept) ? intercept : 0,
  };
}

/** Each frame's place along the patient axis (z of its Plane Position), when an enhanced multi-frame image lists them. */
export function framePositionsOf(ds: Dataset, frames: number): number[] | null {
  const perFrame = ds.PerFrameFunctionalGroupsSequence as Dataset[] | undefined;
  if (!Array.isArray(perFrame) || perFrame.length !== frames || frames < 2) return null;
  const zs = perFrame.map((item) => {
    const position = first(item.PlanePositionSequence) as Dataset | undefined;
    const ipp = position?.ImagePositionPatient as number[] | undefined;
    return Array.isArray(ipp) && ipp.length === 3 ? Number(ipp[2]) : NaN;
  });
  return zs.every(Number.isFinite) ? zs : null;
}

/** Linear window to [0, 1] (DICOM PS3.3 C.11.2.1.2 without the half-pixel offset). */
export function applyWindow(values: Float32Array, center: number, width: number): Float32Array {
  return values.map(windowFunction(center, width));
}

/** Min-max scaling to [0, 1]; a flat image becomes all zeros. */
export function scaleMinMax(values: Float32Array): Float32Array {
  return values.map(minMaxFunction(values));
}

/** Bilinear resize of a single-channel image. */
export function resizeBilinear(
  src: Float32Array,
  rows: number,
  columns: number,
  outRows: number,
  outColumns: number,
): Float32Array {
  if (rows === outRows && columns === outColumns) return src.slice();
  return resizeBilinearMapped(src, rows, columns, outRows, outColumns, (v) => v);
}

/**
 * resizeBilinear(src.map(map)) without mapping every source pixel: bilinear reads four
 * source pixels per output pixel, so mapping just those gives the same result. For a
 * 512² slice shrunk to 128², a window is applied 65k times instead of 262k.
 */
export function resizeBilinearMapped(
  src: ArrayLike<number>,
  rows: number,
  columns: number,
  outRows: number,
  outColumns: number,
  map: (v: number) => number,
): Float32Array {
  const out = new Float32Array(outRows * outColumns);
  if (rows === outRows && columns === outColumns) {
    for (let i = 0; i < out.length; i++) out[i] = map(src[i]!);
    return out;
  }
  const sy = rows / outRows;
  const sx = columns / outColumns;
  for (let y = 0; y < outRows; y++) {
    const fy = Math.min(rows - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(rows - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < outColumns; x++) {
      const fx = Math.min(columns - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(columns - 1, x0 + 1);
      const wx = fx - x0;
      const top = map(src[y0 * columns + x0]!) * (1 - wx) + map(src[y0 * columns + x1]!) * wx;
      const bottom = map(src[y1 * columns + x0]!) * (1 - wx) + map(src[y1 * columns + x1]!) * wx;
      out[y * outColumns + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/** How one output channel is made from a pixel value: a linear window, or any function. */
export type ChannelMap = { window: { center: number; width: number } } | { map: (v: number) => number };

/**
 * resizeBilinearMapped for every channel, sharing the sample positions and weights: each
 * source value goes through `slope · v + intercept` (rescale) and then the channel's
 * window or function, and the result is written into `out` at `offsets[c]` as
 * (value − mean[c]) / std[c]. This is the pipeline's innermost loop, so a window channel
 * gets its own tight pass with the rescale and window folded into one multiply-add.
 * Returns channel 0's count of values strictly inside (0, 1) and whether it was flat.
 */
export function resizeChannelsInto(
  src: ArrayLike<number>,
  rows: number,
  columns: number,
  outRows: number,
  outColumns: number,
  rescale: { slope: number; intercept: number },
  channels: ChannelMap[],
  out: Float32Array,
  offsets: number[],
  mean: number[],
  std: number[],
): { inside: number; flat: boolean } {
  const same = rows === outRows && columns === outColumns;
  const samples = (size: number, outSize: number) => {
    const scale = size / outSize;
    const i0 = new Int32Array(outSize);
    const i1 = new Int32Array(outSize);
    const w = new Float64Array(outSize);
    for (let k = 0; k < outSize; k++) {
      const f = same ? k : Math.min(size - 1, Math.max(0, (k + 0.5) * scale - 0.5));
      i0[k] = Math.floor(f);
      i1[k] = Math.min(size - 1, i0[k]! + 1);
      w[k] = f - i0[k]!;
    }
    return { i0, i1, w };
  };
  const xs = samples(columns, outColumns);
  const ys = samples(rows, outRows);
  let stats = { inside: 0, flat: true };
  channels.forEach((channel, ch) => {
    const target = { out, offset: offsets[ch]!, mean: mean[ch]!, std: std[ch]! };
    const result =
      "window" in channel
        ? resampleWindowed(src, columns, outRows, outColumns, xs, ys, rescale, channel.window, target, ch === 0)
        : resampleMapped(src, columns, outRows, outColumns, xs, ys, rescale, channel.map, target);
    if (ch === 0) stats = result;
  });
  return stats;
}

type SampleTable = { i0: Int32Array; i1: Int32Array; w: Float64Array };
type ChannelTarget = { out: Float32Array; offset: number; mean: number; std: number };

function resampleWindowed(
  src: ArrayLike<number>,
  columns: number,
  outRows: number,
  outColumns: number,
  xs: SampleTable,
  ys: SampleTable,
  rescale: { slope: number; intercept: number },
  window: { center: number; width: number },
  { out, offset, mean, std }: ChannelTarget,
  withStats: boolean,
): { inside: number; flat: boolean } {
  const invStd = 1 / std;
  // ((v · slope + intercept) − low) / width as one multiply-add.
  const k = rescale.slope / window.width;
  const c0 = (rescale.intercept - (window.center - window.width / 2)) / window.width;
  const { i0: x0s, i1: x1s, w: wxs } = xs;
  let inside = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let y = 0; y < outRows; y++) {
    const row0 = ys.i0[y]! * columns;
    const row1 = ys.i1[y]! * columns;
    const wy = ys.w[y]!;
    const o = offset + y * outColumns;
    for (let x = 0; x < outColumns; x++) {
      const x0 = x0s[x]!;
      const x1 = x1s[x]!;
      const wx = wxs[x]!;
      let a = src[row0 + x0]! * k + c0;
      a = a < 0 ? 0 : a > 1 ? 1 : a;
      let b = src[row0 + x1]! * k + c0;
      b = b < 0 ? 0 : b > 1 ? 1 : b;
      let c = src[row1 + x0]! * k + c0;
      c = c < 0 ? 0 : c > 1 ? 1 : c;
      let d = src[row1 + x1]! * k + c0;
      d = d < 0 ? 0 : d > 1 ? 1 : d;
      const top = a + (b - a) * wx;
      const v = top + (c + (d - c) * wx - top) * wy;
      if (withStats) {
        if (v > 0 && v < 1) inside++;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      out[o + x] = (v - mean) * invStd;
    }
  }
  return { inside, flat: lo === hi };
}

function resampleMapped(
  src: ArrayLike<number>,
  columns: number,
  outRows: number,
  outColumns: number,
  xs: SampleTable,
  ys: SampleTable,
  rescale: { slope: number; intercept: number },
  map: (v: number) => number,
  { out, offset, mean, std }: ChannelTarget,
): { inside: number; flat: boolean } {
  const { slope, intercept } = rescale;
  let inside = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let y = 0; y < outRows; y++) {
    const row0 = ys.i0[y]! * columns;
    const row1 = ys.i1[y]! * columns;
    const wy = ys.w[y]!;
    const o = offset + y * outColumns;
    for (let x = 0; x < outColumns; x++) {
      const x0 = xs.i0[x]!;
      const x1 = xs.i1[x]!;
      const wx = xs.w[x]!;
      const a = map(src[row0 + x0]! * slope + intercept);
      const b = map(src[row0 + x1]! * slope + intercept);
      const c = map(src[row1 + x0]! * slope + intercept);
      const d = map(src[row1 + x1]! * slope + intercept);
      const top = a + (b - a) * wx;
      const v = top + (c + (d - c) * wx - top) * wy;
      if (v > 0 && v < 1) inside++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      out[o + x] = (v - mean) / std;
    }
  }
  return { inside, flat: lo === hi };
}

/** The per-pixel form of applyWindow, for resizeBilinearMapped. */
export function windowFunction(center: number, width: number): (v: number) => number {
  const lo = center - width / 2;
  return (v) => Math.min(1, Math.max(0, (v - lo) / width));
}

/** The per-pixel form of scaleMinMax over these values, for resizeBilinearMapped. */
export function minMaxFunction(values: ArrayLike<number>): (v: number) => number {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  return (v) => (span > 0 ? (v - min) / span : 0);
}

/** Evenly spaced indices when a series has more slices than a model takes. */
export function sampleSliceIndices(count: number, max: number): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (count - 1)) / (max - 1)));
}

// Native (uncompressed) pixel data: the transfer syntaxes, what an image's pixels are, and
// stored values of one frame. Both the codec bridge (codecs.ts) and the pipeline
// (pixel-data.ts) build on it, so neither needs the other's internals.
import type { Dataset } from "./part10";

export const TRANSFER_SYNTAX = {
  implicitLittle: "1.2.840.10008.1.2",
  explicitLittle: "1.2.840.10008.1.2.1",
  deflatedExplicitLittle: "1.2.840.10008.1.2.1.99",
  explicitBig: "1.2.840.10008.1.2.2",
} as const;

export class UnsupportedPixelDataError extends Error {}

/** What the pipeline needs to know about an image's pixels. */
export type ImageMeta = {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  photometric: string;
  rescaleSlope: number;
  rescaleIntercept: number;
  transferSyntax: string;
};

/** The first value of a possibly multi-valued attribute. */
export const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const numberOf = (ds: Dataset, key: string, fallback: number): number => {
  const n = Number(first(ds[key]));
  return Number.isFinite(n) ? n : fallback;
};

export function imageMeta(ds: Dataset, transferSyntax: string): ImageMeta {
  const given = (key: string) =>
    first(ds[key]) === undefined || first(ds[key]) === null || first(ds[key]) === "" ? null : first(ds[key]);
  const slope = given("RescaleSlope");
  return checkedImageMeta({
    rows: numberOf(ds, "Rows", 0),
    columns: numberOf(ds, "Columns", 0),
    frames: numberOf(ds, "NumberOfFrames", 1),
    samplesPerPixel: numberOf(ds, "SamplesPerPixel", 1),
    bitsAllocated: numberOf(ds, "BitsAllocated", 16),
    bitsStored: numberOf(ds, "BitsStored", numberOf(ds, "BitsAllocated", 16)),
    pixelRepresentation: numberOf(ds, "PixelRepresentation", 0),
    photometric: given("PhotometricInterpretation") === null ? null : String(given("PhotometricInterpretation")).trim(),
    rescaleSlope: slope === null ? null : Number(slope),
    rescaleIntercept: numberOf(ds, "RescaleIntercept", 0),
    transferSyntax,
  });
}

const PHOTOMETRICS = [
  "MONOCHROME1",
  "MONOCHROME2",
  "RGB",
  "PALETTE COLOR",
  "YBR_FULL",
  "YBR_FULL_422",
  "YBR_PARTIAL_420",
  "YBR_ICT",
  "YBR_RCT",
];

/**
 * An image's pixel attributes as the header gives them, checked before any byte is read: a header
 * that contradicts itself is refused by name, never decoded into numbers that mean nothing.
 */
export function checkedImageMeta(
  raw: Omit<ImageMeta, "pixelRepresentation" | "photometric" | "rescaleSlope"> & {
    pixelRepresentation: number;
    photometric: string | null;
    rescaleSlope: number | null;
  },
): ImageMeta {
  const refuse = (why: string): never => {
    throw new UnsupportedPixelDataError(why);
  };
  if (!(raw.rows >= 1 && raw.columns >= 1)) refuse(`the image is ${raw.rows} × ${raw.columns} pixels (Rows × Columns)`);
  if (raw.pixelRepresentation !== 0 && raw.pixelRepresentation !== 1)
    refuse(`PixelRepresentation ${raw.pixelRepresentation} is neither 0 (unsigned) nor 1 (signed)`);
  if (!(raw.bitsStored >= 1 && raw.bitsStored <= raw.bitsAllocated))
    refuse(`BitsStored ${raw.bitsStored} does not fit BitsAllocated ${raw.bitsAllocated}`);
  if (raw.photometric === null) refuse("the image has no PhotometricInterpretation");
  if (!PHOTOMETRICS.includes(raw.photometric!))
    refuse(`PhotometricInterpretation ${raw.photometric} is not one ReadNext reads`);
  const slope = raw.rescaleSlope ?? 1;
  if (!Number.isFinite(slope)) refuse("RescaleSlope is not a number");
  if (slope === 0) refuse("RescaleSlope 0 would give every pixel one value");
  // The largest rescaled value must stay a finite 32-bit float, which the pipeline computes in.
  if (!Number.isFinite(Math.fround(Math.abs(slope) * 2 ** raw.bitsStored + Math.abs(raw.rescaleIntercept))))
    refuse(
      `RescaleSlope ${slope} and RescaleIntercept ${raw.rescaleIntercept} take pixel values beyond any real range`,
    );
  return {
    ...raw,
    pixelRepresentation: raw.pixelRepresentation === 1 ? 1 : 0,
    photometric: raw.photometric!,
    rescaleSlope: slope,
  };
}

/**
 * Stored values of one native (uncompressed) frame as numbers: byte order, signed
 * pixels and BitsStored < BitsAllocated (high bits masked, sign extended) handled.
 */
export function decodeNativeFrame(bytes: Uint8Array, meta: ImageMeta, frame: number): Float32Array {
  const count = meta.rows * meta.columns * meta.samplesPerPixel;
  const bytesPerSample = meta.bitsAllocated / 8;
  if (![1, 2, 4].includes(bytesPerSample))
    throw new UnsupportedPixelDataError(`BitsAllocated ${meta.bitsAllocated} is not supported`);
  const offset = frame * count * bytesPerSample;
  if (bytes.byteLength < offset + count * bytesPerSample)
    throw new UnsupportedPixelDataError(
      `pixel data holds fewer bytes than ${meta.frames} frame(s) of ${meta.rows}×${meta.columns} need`,
    );
  const little = meta.transferSyntax !== TRANSFER_SYNTAX.explicitBig;
  const mask = meta.bitsStored >= 32 ? 0xffffffff : 2 ** meta.bitsStored - 1;
  const signBit = 2 ** (meta.bitsStored - 1);
  const signed = meta.pixelRepresentation === 1;
  const out = new Float32Array(count);
  // Fast path (most images): 8 or 16 bits, little endian, read through a typed array.
  if (bytesPerSample <= 2 && (little || bytesPerSample === 1)) {
    const start = bytes.byteOffset + offset;
    const aligned =
      bytesPerSample === 1 || start % 2 === 0 ? bytes.buffer : bytes.slice(offset, offset + count * 2).buffer;
    const at = aligned === bytes.buffer ? start : 0;
    const raw = bytesPerSample === 1 ? new Uint8Array(aligned, at, count) : new Uint16Array(aligned, at, count);
    if (meta.bitsStored === bytesPerSample * 8) {
      if (signed && bytesPerSample === 2) out.set(new Int16Array(raw.buffer, raw.byteOffset, count));
      else if (signed) out.set(new Int8Array(raw.buffer, raw.byteOffset, count));
      else out.set(raw);
      return out;
    }
    for (let i = 0; i < count; i++) {
      const v = raw[i]! & mask;
      out[i] = signed && v >= signBit ? v - 2 * signBit : v;
    }
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * bytesPerSample);
  for (let i = 0; i < count; i++) {
    let raw =
      bytesPerSample === 1
        ? view.getUint8(i)
        : bytesPerSample === 2
          ? view.getUint16(i * 2, little)
          : view.getUint32(i * 4, little);
    raw = meta.bitsStored >= 32 ? raw : raw & mask;
    out[i] = signed && raw >= signBit ? raw - 2 * signBit : raw;
  }
  return out;
}

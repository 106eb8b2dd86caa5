import dicomParser from "dicom-parser";
import { decodePart10, framePositionsOf, TRANSFER_SYNTAX, type ImageMeta } from "./pixel-data";
import { checkedImageMeta, UnsupportedPixelDataError } from "./native-pixels";
import type { ColourHandling } from "./colour";

/** One image's frames as stored values, its pixel meta, its place along the patient axis and its InstanceNumber. */
export type ImageFrames = {
  meta: ImageMeta;
  position: number;
  instanceNumber: number | null;
  frames: ArrayLike<number>[];
  /** Each frame's own place along the patient axis (enhanced multi-frame images), when the header gives them. */
  framePositions: number[] | null;
};

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const finiteOrNull = (n: number | undefined): number | null => (n !== undefined && Number.isFinite(n) ? n : null);

/** Slice position: z of ImagePositionPatient, else InstanceNumber. */
function positionOf(ipp: number[] | undefined, instanceNumber: unknown): number {
  if (Array.isArray(ipp) && ipp.length === 3 && Number.isFinite(ipp[2])) return Number(ipp[2]);
  const n = Number(first(instanceNumber));
  return Number.isFinite(n) ? n : 0;
}

/**
 * The pipeline's reader. Native little-endian 8/16-bit greyscale whose stored values need
 * no masking (most CT, MR and radiographs) is parsed with dicom-parser and its pixels
 * used in place, a typed-array view over the file's bytes: no dataset building and no
 * copy of 16 MB per series. Anything else goes through decodePart10 (dcmjs, codecs), and so
 * does colour, which is refused or turned into luminance as `colour` says.
 */
export function readImageFrames(bytes: Uint8Array, options: { colour?: ColourHandling } = {}): ImageFrames {
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, { untilTag: "x7fe00010" });
  } catch {
    return viaDecodePart10(bytes, options);
  }
  const transferSyntax = ds.string("x00020010") ?? TRANSFER_SYNTAX.implicitLittle;
  const pixel = ds.elements.x7fe00010;
  const meta: ImageMeta = checkedImageMeta({
    rows: ds.uint16("x00280010") ?? 0,
    columns: ds.uint16("x00280011") ?? 0,
    frames: ds.intString("x00280008") ?? 1,
    samplesPerPixel: ds.uint16("x00280002") ?? 1,
    bitsAllocated: ds.uint16("x00280100") ?? 16,
    bitsStored: ds.uint16("x00280101") ?? ds.uint16("x00280100") ?? 16,
    pixelRepresentation: ds.uint16("x00280103") ?? 0,
    photometric: ds.string("x00280004")?.trim() || null,
    rescaleSlope: ds.elements.x00281053?.length ? (ds.floatString("x00281053") ?? Number.NaN) : null,
    rescaleIntercept: ds.floatString("x00281052") ?? 0,
    transferSyntax,
  });
  // The bytes must be in this file: a length that runs past its end is a cut-short or lying file
  // (a view over the rest of the buffer would read whatever follows it).
  if (pixel && pixel.length !== 0xffffffff && pixel.dataOffset + pixel.length > bytes.byteLength)
    throw new UnsupportedPixelDataError(
      `the pixel data says ${pixel.length} bytes but the file holds ${Math.max(0, bytes.byteLength - pixel.dataOffset)} of them: cut short or corrupt`,
    );
  // Enhanced multi-frame images keep rescale and positions in functional groups: read by dcmjs.
  const enhanced = ds.elements.x52009229 !== undefined || ds.elements.x52009230 !== undefined;
  const bytesPerSample = meta.bitsAllocated / 8;
  const count = meta.rows * meta.columns;
  const fast =
    !enhanced &&
    (transferSyntax === TRANSFER_SYNTAX.explicitLittle || transferSyntax === TRANSFER_SYNTAX.implicitLittle) &&
    meta.samplesPerPixel === 1 &&
    (meta.photometric === "MONOCHROME2" || meta.photometric === "MONOCHROME1") &&
    (bytesPerSample === 1 || bytesPerSample === 2) &&
    meta.bitsStored === meta.bitsAllocated &&
    pixel !== undefined &&
    pixel.length !== 0xffffffff &&
    count > 0 &&
    pixel.length >= meta.frames * count * bytesPerSample;
  if (!fast) return viaDecodePart10(bytes, options);
  const ippText = ds.string("x00200032");
  const ipp = ippText ? ippText.split("\\").map(Number) : undefined;
  const instanceNumber = ds.intString("x00200013");
  const position = positionOf(ipp, instanceNumber);
  const frames = Array.from({ length: meta.frames }, (_, f) => {
    const start = bytes.byteOffset + pixel.dataOffset + f * count * bytesPerSample;
    if (bytesPerSample === 1)
      return meta.pixelRepresentation
        ? new Int8Array(bytes.buffer, start, count)
        : new Uint8Array(bytes.buffer, start, count);
    // A 16-bit view must start on an even byte; otherwise copy this frame once.
    const buffer =
      start % 2 === 0
        ? bytes.buffer
        : bytes.slice(start - bytes.byteOffset, start - bytes.byteOffset + count * 2).buffer;
    const at = start % 2 === 0 ? start : 0;
    return meta.pixelRepresentation ? new Int16Array(buffer, at, count) : new Uint16Array(buffer, at, count);
  });
  return { meta, position, instanceNumber: finiteOrNull(instanceNumber), frames, framePositions: null };
}

function viaDecodePart10(bytes: Uint8Array, options: { colour?: ColourHandling }): ImageFrames {
  const { meta, frames, dataset } = decodePart10(bytes, options);
  const instanceNumber = first(dataset.InstanceNumber);
  return {
    meta,
    frames,
    framePositions: framePositionsOf(dataset, meta.frames),
    position: positionOf(dataset.ImagePositionPatient as number[] | undefined, dataset.InstanceNumber),
    instanceNumber: finiteOrNull(
      instanceNumber === undefined || instanceNumber === null || instanceNumber === ""
        ? undefined
        : Number(instanceNumber),
    ),
  };
}

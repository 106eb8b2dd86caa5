import { encode } from "fast-png";
import { applyWindow, resizeBilinear, scaleMinMax } from "../dicom/pixel-data";

/**
 * A small windowed greyscale PNG of one slice (modality values in), for the worklist's
 * key-image view: longest side at most `maxSide` pixels, aspect kept.
 */
export function slicePreviewPng(
  values: Float32Array,
  rows: number,
  columns: number,
  window: { center: number; width: number } | null,
  maxSide = 256,
): Uint8Array {
  const scale = Math.min(1, maxSide / Math.max(rows, columns));
  const outRows = Math.max(1, Math.round(rows * scale));
  const outColumns = Math.max(1, Math.round(columns * scale));
  const windowed = window ? applyWindow(values, window.center, window.width) : scaleMinMax(values);
  const resized = resizeBilinear(windowed, rows, columns, outRows, outColumns);
  const grey = new Uint8Array(resized.length);
  for (let i = 0; i < resized.length; i++) grey[i] = Math.round(resized[i]! * 255);
  return encode({ width: outColumns, height: outRows, data: grey, channels: 1, depth: 8 });
}

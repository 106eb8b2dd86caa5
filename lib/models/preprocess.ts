import {
  minMaxFunction,
  resizeChannelsInto,
  sampleSliceIndices,
  toModalityValues,
  type ChannelMap,
} from "../dicom/pixel-data";
import { readImageFrames } from "../dicom/image-frames";
import { ColourImageError } from "../dicom/colour";
import type { ModelManifest } from "./manifest";

/** The series is not what the model is built for (too few slices, absurd intensities): "not applicable", never a score. */
export class InputNotApplicableError extends Error {}

/** A series planned for the model: slices ordered and sampled; the tensor is filled a batch at a time. */
export type InputPlan = {
  dims: [number, number, number, number];
  /** Index of each item in the series' own order, for the key-slice preview. */
  sliceIndices: number[];
  /**
   * Items [from, to) of the NCHW float32 tensor, into `target` from item `at` (a new array
   * holding just these items by default). Each item is to be filled once.
   */
  fill(from: number, to: number, target?: Float32Array, at?: number): Float32Array;
  /** Once every item is filled: refuses input that is not what the model was built for (InputNotApplicableError). */
  check(): void;
  /** Modality values of the series' slice at a sliceIndices position, at full resolution (for the key-image preview). */
  modalityValuesAt(sliceIndex: number): { values: Float32Array; rows: number; columns: number };
  /** InstanceNumber of the image holding the series' slice at a sliceIndices position (null when the header has none). */
  instanceNumberAt(sliceIndex: number): number | null;
};

export type PreparedInput = Omit<InputPlan, "fill" | "check"> & {
  /** NCHW float32, one item per slice (or per image). */
  tensor: Float32Array;
};

/** Below this share of pixels inside channel 0's window, the intensities are not what the model expects. */
const MIN_IN_WINDOW_SHARE = 0.002;

/**
 * From Part 10 instances of one series to the model's input, as the manifest says: slices
 * ordered along the patient axis, sampled, and (per batch, by `fill`) rescaled, MONOCHROME1
 * inverted, one window per channel (or min-max / bit-depth scaling), resized, normalised.
 */
export function planInput(instances: Uint8Array[], manifest: ModelManifest): InputPlan {
  const [, channels, height, width] = manifest.input.shape;
  const pre = manifest.preprocessing;
  const read = (bytes: Uint8Array) => {
    try {
      return readImageFrames(bytes, { colour: pre.colour });
    } catch (error) {
      // A colour image the manifest does not take is "not applicable", with the reason.
      if (error instanceof ColourImageError) throw new InputNotApplicableError(error.message);
      throw error;
    }
  };
  const slices = instances
    .flatMap((bytes) => {
      const { meta, frames, position, instanceNumber, framePositions } = read(bytes);
      // Frames of one enhanced image are slices in their own right, placed by their own positions.
      return frames.map((frame, f) => ({
        meta,
        frame,
        instanceNumber,
        order: framePositions?.[f] ?? position + f * 1e-3,
      }));
    })
    .sort((a, b) => a.order - b.order);
  if (slices.length < manifest.series.minInstances) {
    throw new InputNotApplicableError(
      `${slices.length} image(s), fewer than the ${manifest.series.minInstances} the model needs`,
    );
  }
  const kept = sampleSliceIndices(slices.length, pre.maxSlices ?? slices.length);
  const plane = height * width;
  let inWindow = 0;
  let flatImages = 0;
  const mean = Array.from({ length: channels }, (_, c) => pre.normalise?.mean[c] ?? 0);
  const std = Array.from({ length: channels }, (_, c) => pre.normalise?.std[c] ?? 1);
  const fillItem = (n: number, target: Float32Array, item: number) => {
    const { meta, frame } = slices[kept[n]!]!;
    // Rescale, window (or scale), resize and normalise in one pass over the pixels bilinear
    // reads: the same numbers as transforming the whole slice first. MONOCHROME1 inversion
    // and min-max scaling need the whole slice's range, so those take modality values of every pixel.
    const whole = pre.scaling !== "windows" || (pre.invertMonochrome1 && meta.photometric === "MONOCHROME1");
    const values = whole
      ? toModalityValues(frame, meta, { rescale: pre.rescale, invertMonochrome1: pre.invertMonochrome1 })
      : frame;
    const rescale = {
      slope: !whole && pre.rescale ? meta.rescaleSlope : 1,
      intercept: !whole && pre.rescale ? meta.rescaleIntercept : 0,
    };
    const maps = Array.from({ length: channels }, (_, c): ChannelMap => {
      if (pre.scaling === "windows") return { window: pre.windows![c]! };
      return { map: pre.scaling === "minmax" ? minMaxFunction(values) : (v) => v / (2 ** meta.bitsStored - 1) };
    });
    const offsets = Array.from({ length: channels }, (_, c) => (item * channels + c) * plane);
    const { inside, flat } = resizeChannelsInto(
      values,
      meta.rows,
      meta.columns,
      height,
      width,
      rescale,
      maps,
      target,
      offsets,
      mean,
      std,
    );
    inWindow += inside;
    if (flat) flatImages++;
  };
  return {
    dims: [kept.length, channels, height, width],
    sliceIndices: kept,
    fill(from, to, target = new Float32Array((to - from) * channels * plane), at = 0) {
      for (let n = from; n < to; n++) fillItem(n, target, at + n - from);
      return target;
    },
    check() {
      if (pre.scaling === "windows" && inWindow / (kept.length * plane) < MIN_IN_WINDOW_SHARE) {
        const w = pre.windows![0]!;
        throw new InputNotApplicableError(
          `pixel values lie outside the model's window (${w.center}±${w.width / 2}): not the intensities it was built for`,
        );
      }
      if (flatImages === kept.length) throw new InputNotApplicableError("every image is blank (one value throughout)");
    },
    modalityValuesAt(sliceIndex) {
      const { meta, frame } = slices[sliceIndex]!;
      return {
        values: toModalityValues(frame, meta, { rescale: pre.rescale, invertMonochrome1: pre.invertMonochrome1 }),
        rows: meta.rows,
        columns: meta.columns,
      };
    },
    instanceNumberAt: (i) => slices[i]?.instanceNumber ?? null,
  };
}

/** The whole input tensor at once (what `scoreSeries` builds batch by batch). */
export function prepareInput(instances: Uint8Array[], manifest: ModelManifest): PreparedInput {
  const { fill, check, ...plan } = planInput(instances, manifest);
  const tensor = fill(0, plan.dims[0]);
  check();
  return { ...plan, tensor };
}

/** Study-level probability from per-slice probabilities, as the manifest's aggregation says. */
export function aggregateSlices(
  probabilities: number[],
  aggregation: ModelManifest["aggregation"],
  threshold: number,
): { probability: number; keySlice: number } {
  if (probabilities.length === 0) return { probability: 0, keySlice: -1 };
  const order = probabilities.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]);
  const keySlice = order[0]![1];
  const positives = probabilities.filter((p) => p >= threshold).length;
  let probability =
    aggregation.method === "max"
      ? order[0]![0]
      : order.slice(0, aggregation.k).reduce((s, [p]) => s + p, 0) / Math.min(aggregation.k!, order.length);
  // Too few positive slices: cap just under the threshold, so one noisy slice cannot page anyone.
  if (positives < aggregation.minPositiveSlices) probability = Math.min(probability, threshold - 1e-6);
  return { probability, keySlice };
}

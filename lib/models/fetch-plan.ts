import { jsonNumber, jsonString, type DicomJson } from "../dicom/dicom-json";
import { sampleSliceIndices } from "../dicom/pixel-data";

/** One instance of a series as QIDO-RS lists it: enough to know its place without fetching it. */
export type ListedInstance = {
  sopInstanceUid: string;
  position: number | null;
  instanceNumber: number | null;
  frames: number;
};

export function listedInstance(ds: DicomJson): ListedInstance | null {
  const sopInstanceUid = jsonString(ds, "00080018");
  if (!sopInstanceUid) return null;
  const ipp = ds["00200032"]?.Value;
  const z = Array.isArray(ipp) && ipp.length === 3 ? Number(ipp[2]) : NaN;
  return {
    sopInstanceUid,
    position: Number.isFinite(z) ? z : null,
    instanceNumber: jsonNumber(ds, "00200013"),
    frames: jsonNumber(ds, "00280008") ?? 1,
  };
}

/** Fetch the whole series, or just these instances (in slice order) with their indices in the whole series' order. */
export type FetchPlan =
  | { kind: "series"; why: string }
  | { kind: "instances"; sopInstanceUids: string[]; seriesIndices: number[]; total: number };

/**
 * Which instances a model that takes at most `maxSlices` slices needs. The pipeline orders
 * slices by ImagePositionPatient z, else InstanceNumber, and samples evenly; doing the same
 * on the listing lets a worker fetch 40 instances of a 600-slice thin series instead of all
 * of them, with the same slices scored. Whenever the listing cannot give that same order
 * (multi-frame images, a place missing, two images at one place) the whole series is fetched.
 */
export function planSeriesFetch(listing: (ListedInstance | null)[], maxSlices: number | undefined): FetchPlan {
  if (maxSlices === undefined || listing.length <= maxSlices)
    return { kind: "series", why: "the model takes every image" };
  const instances = listing.filter((i): i is ListedInstance => i !== null);
  if (instances.length !== listing.length)
    return { kind: "series", why: "an instance has no SOP Instance UID in the listing" };
  if (instances.some((i) => i.frames !== 1)) return { kind: "series", why: "multi-frame images" };
  const key = instances.every((i) => i.position !== null)
    ? "position"
    : instances.every((i) => i.instanceNumber !== null)
      ? "instanceNumber"
      : null;
  if (!key) return { kind: "series", why: "the listing does not give every image's place" };
  const ordered = [...instances].sort((a, b) => a[key]! - b[key]!);
  if (ordered.some((inst, i) => i > 0 && inst[key] === ordered[i - 1]![key]))
    return { kind: "series", why: "two images share one place" };
  const seriesIndices = sampleSliceIndices(ordered.length, maxSlices);
  return {
    kind: "instances",
    sopInstanceUids: seriesIndices.map((i) => ordered[i]!.sopInstanceUid),
    seriesIndices,
    total: ordered.length,
  };
}

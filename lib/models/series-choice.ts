import { seriesApplies, type ModelManifest } from "./manifest";

/** What ReadNext knows of a series before fetching any image (from the QIDO series listing). */
export type ListedSeries = {
  modality: string | null;
  bodyPart: string | null;
  description: string | null;
  numberOfInstances: number;
  sliceThicknessMm: number | null;
  imageType: string[];
};

/**
 * The series of a study a model may score, best first. Series the listing already rules
 * out (wrong modality, a localizer, too thin or thick) are dropped; facts the PACS did not
 * list count as unknown and are checked again on the first fetched image. With a preferred
 * slice thickness the closest series comes first, those of unknown thickness last;
 * otherwise, and between equals, the series with the most images.
 */
export function candidateSeries<T extends ListedSeries>(manifest: ModelManifest, series: T[]): T[] {
  const preferred = manifest.series.preferSliceThicknessMm;
  const distance = (s: T) =>
    preferred === undefined ? 0 : s.sliceThicknessMm === null ? Infinity : Math.abs(s.sliceThicknessMm - preferred);
  return series
    .filter((s) => seriesApplies(manifest, { ...s, instances: s.numberOfInstances }).applies)
    .sort((a, b) => distance(a) - distance(b) || b.numberOfInstances - a.numberOfInstances);
}

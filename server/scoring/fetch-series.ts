import { listedInstance, planSeriesFetch } from "@/lib/models/fetch-plan";
import type { DicomJson } from "@/lib/dicom/dicom-json";
import type { DicomWebAdapter } from "../pacs/dicomweb-adapter";
import { PacsError } from "../pacs/errors";

export type FetchedSeries = {
  instances: Uint8Array[];
  /** Images in the whole series, fetched or not. */
  total: number;
  /** Index in the whole series' slice order of each fetched slice (in slice order), when only some were fetched. */
  seriesIndices: number[] | null;
};

/**
 * The images of a series a model needs, over WADO-RS. A series longer than the model's
 * maxSlices is listed first (QIDO-RS) and only the slices the pipeline would sample are
 * fetched; when the listing cannot say which, or the PACS refuses it, the whole series is.
 */
export async function fetchSeriesForModel(
  adapter: DicomWebAdapter,
  studyInstanceUid: string,
  series: { seriesInstanceUid: string; numberOfInstances: number },
  maxSlices: number | undefined,
): Promise<FetchedSeries> {
  const whole = async (): Promise<FetchedSeries> => {
    const instances = await adapter.retrieveSeriesInstances(studyInstanceUid, series.seriesInstanceUid);
    return { instances, total: instances.length, seriesIndices: null };
  };
  if (maxSlices === undefined || series.numberOfInstances <= maxSlices) return whole();
  let listing: DicomJson[];
  try {
    listing = await adapter.searchInstances(studyInstanceUid, series.seriesInstanceUid);
  } catch (error) {
    if (error instanceof PacsError && !error.transient) return whole();
    throw error;
  }
  const plan = planSeriesFetch(listing.map(listedInstance), maxSlices);
  if (plan.kind === "series") return whole();
  const instances = await adapter.retrieveInstances(studyInstanceUid, series.seriesInstanceUid, plan.sopInstanceUids);
  return { instances, total: plan.total, seriesIndices: plan.seriesIndices };
}

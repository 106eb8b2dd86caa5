import type { Db } from "../db/client";
import { seriesApplies, type SeriesFacts } from "@/lib/models/manifest";
import { InputNotApplicableError } from "@/lib/models/preprocess";
import { slicePreviewPng } from "@/lib/models/preview";
import { candidateSeries, type ListedSeries } from "@/lib/models/series-choice";
import { readPart10 } from "@/lib/dicom/part10";
import { ModelRefusedError, scoreSeries, type LoadedModel } from "../models/model-session";
import type { DicomWebAdapter } from "../pacs/dicomweb-adapter";
import { InferenceThreadStoppedError } from "../models/inference-thread";
import { PacsError } from "../pacs/errors";
import type { AdapterCache } from "./adapter-cache";
import type { ModelRegistry } from "../models/model-registry";
import type { ScoreJobData } from "../core/queues";
import { storeAiResult, type ResultToStore } from "./store-result";
import { fetchSeriesForModel } from "./fetch-series";

export type ScoringDeps = { db: Db; registry: ModelRegistry; adapters: AdapterCache };
export type ScoreOutcome =
  | { outcome: "stored"; status: ResultToStore["status"]; critical: boolean; aiResultId: string }
  | { outcome: "skipped"; why: string };

/** Worth another attempt: the PACS was slow, down or answered 5xx, the job ran out of time, or the model's inference thread died. */
export function isTransient(error: unknown): boolean {
  if (error instanceof ScoringTimeoutError || error instanceof InferenceThreadStoppedError) return true;
  return error instanceof PacsError && error.transient;
}

export class ScoringTimeoutError extends Error {}

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const text = (v: unknown): string | null => (first(v) === undefined || first(v) === null ? null : String(first(v)));

/** Series facts from an instance's own header: image type and slice thickness are not in the QIDO listing. */
function factsFromInstance(bytes: Uint8Array, imageCount: number): SeriesFacts {
  const ds = readPart10(bytes);
  const imageType = Array.isArray(ds.ImageType)
    ? ds.ImageType.map(String)
    : typeof ds.ImageType === "string"
      ? ds.ImageType.split("\\")
      : [];
  const thickness = Number(first(ds.SliceThickness));
  const frames = Number(first(ds.NumberOfFrames));
  return {
    modality: text(ds.Modality),
    bodyPart: text(ds.BodyPartExamined),
    description: text(ds.SeriesDescription),
    imageType,
    sliceThicknessMm: Number.isFinite(thickness) && thickness > 0 ? thickness : sharedSliceThickness(ds),
    instances: imageCount,
    frames: Number.isInteger(frames) && frames > 0 ? frames : null,
  };
}

/** An enhanced multi-frame image keeps SliceThickness in its shared functional groups (PixelMeasuresSequence). */
function sharedSliceThickness(ds: Record<string, unknown>): number | null {
  const shared = first(ds.SharedFunctionalGroupsSequence) as Record<string, unknown> | undefined;
  const measures = first(shared?.PixelMeasuresSequence) as Record<string, unknown> | undefined;
  const t = Number(first(measures?.SliceThickness));
  return Number.isFinite(t) && t > 0 ? t : null;
}

/**
 * One score job: the study revision's best series for this model is fetched over WADO-RS
 * (only the slices the model samples, when the series is longer than it takes),
 * run through the pipeline and the model, and the result stored with a key-slice preview.
 * Transient PACS errors are thrown (the queue retries); anything that retrying cannot fix
 * is stored at once as FAILED or NOT_APPLICABLE with its reason.
 */
export async function scoreStudy(deps: ScoringDeps, job: ScoreJobData): Promise<ScoreOutcome> {
  const { db } = deps;
  const study = await db.study.findUnique({
    where: { id: job.studyId },
    select: {
      revision: true,
      studyInstanceUid: true,
      sourceId: true,
      series: {
        select: {
          seriesInstanceUid: true,
          modality: true,
          bodyPart: true,
          description: true,
          numberOfInstances: true,
          sliceThicknessMm: true,
          imageType: true,
        },
      },
    },
  });
  if (!study) return { outcome: "skipped", why: "the study no longer exists" };
  if (study.revision !== job.revision) return { outcome: "skipped", why: `superseded by revision ${study.revision}` };
  const done = await db.aiResult.findUnique({
    where: {
      studyId_modelId_modelVersion_studyRevision: {
        studyId: job.studyId,
        modelId: job.modelId,
        modelVersion: job.modelVersion,
        studyRevision: job.revision,
      },
    },
    select: { id: true },
  });
  if (done) return { outcome: "skipped", why: "already scored" };

  const store = async (result: ResultToStore): Promise<ScoreOutcome> => {
    const stored = await storeAiResult(db, job, result);
    return stored
      ? { outcome: "stored", status: result.status, critical: stored.critical, aiResultId: stored.id }
      : { outcome: "skipped", why: "already scored" };
  };

  const model = deps.registry.get(job.modelId, job.modelVersion);
  if (!model)
    return store({
      status: "FAILED",
      reason: `model ${job.modelId} ${job.modelVersion} is not enabled on this worker`,
    });

  const adapter = await deps.adapters.get(study.sourceId);
  return store(await scoreStudyImages(model, adapter, study.studyInstanceUid, study.series));
}

/**
 * What one model makes of one study's images on the PACS: its best series by the manifest's
 * rules is fetched (only the slices the model samples), run through the pipeline and the
 * model, and the verdict returned with a key-slice preview, or NOT_APPLICABLE / FAILED with
 * the reason. Shared by score jobs and local validation, so a validation measures exactly
 * what the workers do. Transient PACS errors and a dead inference thread are thrown.
 */
export async function scoreStudyImages(
  model: LoadedModel,
  adapter: DicomWebAdapter,
  studyInstanceUid: string,
  seriesList: (ListedSeries & { seriesInstanceUid: string })[],
): Promise<ResultToStore> {
  const candidates = candidateSeries(model.manifest, seriesList);
  if (candidates.length === 0)
    return { status: "NOT_APPLICABLE", reason: "no series matches the model's series rules" };
  let lastReason = "";
  for (const series of candidates) {
    const t0 = performance.now();
    const fetched = await fetchSeriesForModel(
      adapter,
      studyInstanceUid,
      series,
      model.manifest.preprocessing.maxSlices,
    );
    const instances = fetched.instances;
    const fetchMs = performance.now() - t0;
    let facts: SeriesFacts;
    try {
      facts = factsFromInstance(instances[0]!, fetched.total);
    } catch (error) {
      return {
        status: "FAILED",
        seriesInstanceUid: series.seriesInstanceUid,
        reason: `unreadable DICOM (${namedReason(error, "its structure is malformed: the parser could not follow it")})`,
      };
    }
    const check = seriesApplies(model.manifest, facts);
    if (!check.applies) {
      lastReason = `series ${series.seriesInstanceUid}: ${check.reason}`;
      continue;
    }
    let score: Awaited<ReturnType<typeof scoreSeries>>;
    try {
      score = await scoreSeries(model, instances);
    } catch (error) {
      if (error instanceof InputNotApplicableError)
        return { status: "NOT_APPLICABLE", seriesInstanceUid: series.seriesInstanceUid, reason: error.message };
      if (error instanceof InferenceThreadStoppedError) throw error; // not these images' fault: retried on a new thread
      // The model's file changed on disk since the worker loaded it (seen when its thread restarts).
      if (error instanceof ModelRefusedError)
        return { status: "FAILED", seriesInstanceUid: series.seriesInstanceUid, reason: error.message };
      // Decoding or inference failed on these bytes; another attempt would fail the same way.
      return {
        status: "FAILED",
        seriesInstanceUid: series.seriesInstanceUid,
        reason: `cannot read the images (${namedReason(error, "the pixel data could not be decoded")})`,
      };
    }
    const window = model.manifest.preprocessing.windows?.[0] ?? null;
    const preview = score.keySliceImage
      ? slicePreviewPng(score.keySliceImage.values, score.keySliceImage.rows, score.keySliceImage.columns, window)
      : null;
    const output = model.manifest.outputs[0]!;
    return {
      status: "SCORED",
      seriesInstanceUid: series.seriesInstanceUid,
      probability: score.probability,
      finding: output.findingCode,
      critical: score.critical,
      urgent: score.urgent,
      keySliceIndex: fetched.seriesIndices?.[score.keySlice] ?? score.keySlice,
      keySliceInstanceNumber: score.keySliceInstanceNumber,
      keySliceProbability: score.keySliceProbability,
      timings: {
        fetchMs: round(fetchMs),
        decodeMs: round(score.timings.preprocessMs),
        inferenceMs: round(score.timings.inferenceMs),
        totalMs: round(performance.now() - t0),
      },
      preview,
    };
  }
  return { status: "NOT_APPLICABLE", reason: lastReason || "no series matches the model's series rules" };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * A parser's or codec's message when it says what is wrong with the file; `otherwise` when it is a
 * bare JavaScript error (a TypeError from reading past a structure, an empty message), which would
 * tell an admin nothing.
 */
function namedReason(error: unknown, otherwise: string): string {
  const message = error instanceof Error ? error.message.trim() : "";
  const bare =
    !message ||
    error instanceof TypeError ||
    error instanceof RangeError ||
    /\bundefined\b|\bnull\b|is not a function|Cannot read prop|out of bounds|Offset is outside/i.test(message);
  if (/past end of input|more than currently allocated buffer/i.test(message))
    return "the file ends in the middle of an element: cut short, or padded with bytes that are not DICOM";
  return bare ? otherwise : message;
}

/** Rejects with ScoringTimeoutError when the job runs longer than allowed (the work itself cannot be interrupted). */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ScoringTimeoutError(`scoring took longer than ${Math.round(ms / 1000)} s`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

import { createHash } from "node:crypto";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { recordAudit } from "../core/audit";
import { ConflictError, InvalidRequestError, NotFoundError } from "../core/errors";
import { readLabelsCsv } from "@/lib/models/validation-labels";
import { validationFigures, type ScoredCase } from "@/lib/models/validation-metrics";
import { validationReport } from "@/lib/models/validation-report";
import { seriesRecordFromQido } from "@/lib/ingest/study-record";
import { jsonString } from "@/lib/dicom/dicom-json";
import { quantile } from "@/lib/stats";
import { DicomWebAdapter } from "../pacs/dicomweb-adapter";
import { sourceConfigFromRow } from "../pacs/source-config";
import { PacsError } from "../pacs/errors";
import { scoreStudyImages } from "../scoring/score-study";
import type { LoadedModel } from "./model-session";

export const DEFAULT_TARGET_SENSITIVITY = 0.95;

/**
 * Starts a validation of one model version on a labels file, or picks up the unfinished run
 * of the same version on the same file (so an interrupted run resumes where it stopped).
 * Rows the file gets wrong are stored at once with their problem; the run scores the rest.
 */
export async function startValidation(
  db: Db,
  input: {
    modelId: string;
    version: string;
    labelsName: string;
    labelsText: string;
    targetSensitivity?: number;
    actorId: string | null;
    runBy: "worker" | "cli";
  },
): Promise<{ id: string; resumed: boolean }> {
  const model = await db.aiModel.findUnique({
    where: { modelId_version: { modelId: input.modelId, version: input.version } },
  });
  if (!model) throw new NotFoundError("Model version", `${input.modelId}@${input.version}`);
  if (model.loadError) throw new ConflictError(`${input.modelId} ${input.version} was refused: ${model.loadError}`);
  const labels = readLabelsCsv(input.labelsText);
  if (!labels.ok) throw new InvalidRequestError(`${input.labelsName}: ${labels.error}`);
  const labelsSha256 = createHash("sha256").update(input.labelsText).digest("hex");
  const unfinished = await db.modelValidation.findFirst({
    where: {
      modelId: input.modelId,
      modelVersion: input.version,
      labelsSha256,
      status: { in: ["QUEUED", "RUNNING"] },
    },
    orderBy: { createdAt: "desc" },
  });
  if (unfinished) {
    // Whoever asks again takes the run over: the CLI after a crash, or the workers.
    if (unfinished.runBy !== input.runBy)
      await db.modelValidation.update({ where: { id: unfinished.id }, data: { runBy: input.runBy } });
    return { id: unfinished.id, resumed: true };
  }
  const manifest = model.manifest as { outputs?: { criticalThreshold?: number }[] };
  const threshold = model.criticalThreshold ?? manifest.outputs?.[0]?.criticalThreshold;
  if (threshold === undefined) throw new ConflictError(`${input.modelId} ${input.version} has no critical threshold`);
  const targetSensitivity = input.targetSensitivity ?? DEFAULT_TARGET_SENSITIVITY;
  const invalid = labels.rows.filter((r) => r.problem).length;
  return db.$transaction(async (tx) => {
    const run = await tx.modelValidation.create({
      data: {
        modelId: input.modelId,
        modelVersion: input.version,
        labelsName: input.labelsName.slice(0, 200),
        labelsSha256,
        threshold,
        targetSensitivity,
        runBy: input.runBy,
        total: labels.rows.length,
        done: invalid,
        createdById: input.actorId,
      },
    });
    await tx.modelValidationCase.createMany({
      data: labels.rows.map((r) => ({
        validationId: run.id,
        line: r.line,
        studyKey: r.studyKey,
        keyKind: r.keyKind,
        label: r.label,
        subgroup: r.subgroup,
        status: r.problem ? "INVALID" : "PENDING",
        reason: r.problem,
      })),
    });
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "model.validation-started",
      details: {
        modelId: input.modelId,
        version: input.version,
        labels: input.labelsName,
        rows: labels.rows.length,
        invalid,
        runBy: input.runBy,
      },
    });
    return { id: run.id, resumed: false };
  });
}

type Source = { id: string; name: string; adapter: DicomWebAdapter };
type Found = { source: Source; studyInstanceUid: string } | { problem: string };

/** The study a labels row names, on the first enabled PACS source that has it. */
async function findStudy(sources: Source[], kind: string, key: string): Promise<Found> {
  for (const source of sources) {
    const hits = await source.adapter.searchStudies(
      kind === "uid" ? { studyInstanceUid: key, limit: 2, offset: 0 } : { accessionNumber: key, limit: 2, offset: 0 },
    );
    if (hits.length > 1) return { problem: `accession ${key} matches more than one study on ${source.name}` };
    const uid = hits[0] ? jsonString(hits[0], "0020000D") : null;
    if (uid) return { source, studyInstanceUid: uid };
  }
  return { problem: `not found on any enabled PACS source (${sources.map((s) => s.name).join(", ") || "none"})` };
}

const PACS_ATTEMPTS = 3;

/** A PACS call, tried again after a pause when the PACS was slow or down. */
async function withRetries<T>(work: () => Promise<T>, pauseMs: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof PacsError && error.transient) || attempt >= PACS_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, pauseMs * attempt));
    }
  }
}

/**
 * Scores a validation's pending rows in file order, through the workers' own path (QIDO,
 * WADO-RS, the manifest's series choice and preprocessing, the model), storing each row as
 * it finishes: a crash loses at most the row in hand. Stops at `deadline` (the rest waits
 * for the next slice) and, when nothing is left, computes the figures and marks the run done.
 * A row whose study is missing or whose PACS keeps failing is stored FAILED with the reason.
 */
export async function runValidation(
  db: Db,
  validationId: string,
  model: LoadedModel,
  options: { deadline?: number; pacsPauseMs?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<"more" | "done"> {
  const run = await db.modelValidation.findUnique({ where: { id: validationId } });
  if (!run) throw new NotFoundError("Validation", validationId);
  if (run.status === "DONE" || run.status === "FAILED") return "done";
  if (run.modelId !== model.manifest.id || run.modelVersion !== model.manifest.version)
    throw new ConflictError(`validation ${validationId} is for ${run.modelId} ${run.modelVersion}`);
  if (run.status === "QUEUED")
    await db.modelValidation.update({ where: { id: run.id }, data: { status: "RUNNING", startedAt: new Date() } });
  const sources: Source[] = (
    await db.pacsSource.findMany({ where: { enabled: true }, orderBy: { createdAt: "asc" } })
  ).map((row) => ({ id: row.id, name: row.name, adapter: new DicomWebAdapter(sourceConfigFromRow(row)) }));
  const pending = await db.modelValidationCase.findMany({
    where: { validationId, status: "PENDING" },
    orderBy: { line: "asc" },
  });
  let done = run.done;
  for (const row of pending) {
    if (options.deadline !== undefined && Date.now() >= options.deadline) return "more";
    const t0 = performance.now();
    const outcome = await scoreRow(sources, model, row, options.pacsPauseMs ?? 1000);
    const ms = Math.round((performance.now() - t0) * 10) / 10;
    const { count } = await db.modelValidationCase.updateMany({
      where: { id: row.id, status: "PENDING" },
      data: { ...outcome, ms },
    });
    if (count === 0) continue; // another runner got there first
    done = (await db.modelValidation.update({ where: { id: run.id }, data: { done: { increment: 1 } } })).done;
    options.onProgress?.(done, run.total);
  }
  await finishValidation(db, run.id);
  return "done";
}

async function scoreRow(
  sources: Source[],
  model: LoadedModel,
  row: { keyKind: string; studyKey: string },
  pauseMs: number,
): Promise<{ status: "SCORED" | "NOT_APPLICABLE" | "FAILED"; probability?: number | null; reason?: string | null }> {
  try {
    const found = await withRetries(() => findStudy(sources, row.keyKind, row.studyKey), pauseMs);
    if ("problem" in found) return { status: "FAILED", reason: found.problem };
    const series = (await withRetries(() => found.source.adapter.searchSeries(found.studyInstanceUid), pauseMs)).map(
      seriesRecordFromQido,
    );
    const result = await withRetries(
      () => scoreStudyImages(model, found.source.adapter, found.studyInstanceUid, series),
      pauseMs,
    );
    return result.status === "SCORED"
      ? { status: "SCORED", probability: result.probability ?? null, reason: null }
      : { status: result.status, reason: result.reason ?? null };
  } catch (error) {
    const why = error instanceof PacsError ? `PACS: ${error.message}` : (error as Error).message;
    return { status: "FAILED", reason: why.slice(0, 500) };
  }
}

/** The run's figures from its scored rows, stored with it; the run is DONE. */
export async function finishValidation(db: Db, validationId: string): Promise<void> {
  const run = await db.modelValidation.findUniqueOrThrow({ where: { id: validationId } });
  const cases = await db.modelValidationCase.findMany({ where: { validationId } });
  const scored: ScoredCase[] = cases
    .filter((c) => c.status === "SCORED" && c.probability !== null && (c.label === 0 || c.label === 1))
    .map((c) => ({ probability: c.probability!, label: c.label as 0 | 1, subgroup: c.subgroup }));
  const count = (status: string) => cases.filter((c) => c.status === status).length;
  const times = cases
    .filter((c) => c.status === "SCORED" && c.ms !== null)
    .map((c) => c.ms!)
    .sort((a, b) => a - b);
  const summary = {
    ...validationFigures(scored, { threshold: run.threshold, targetSensitivity: run.targetSensitivity }),
    rows: {
      total: cases.length,
      scored: count("SCORED"),
      notApplicable: count("NOT_APPLICABLE"),
      failed: count("FAILED"),
      invalid: count("INVALID"),
    },
    msPerStudy: times.length ? { median: quantile(times, 0.5), p95: quantile(times, 0.95) } : null,
  };
  await db.modelValidation.update({
    where: { id: validationId },
    data: {
      status: "DONE",
      finishedAt: new Date(),
      done: cases.length - count("PENDING"),
      summary: summary as unknown as Prisma.InputJsonValue,
    },
  });
}

export type ValidationSummary = ReturnType<typeof validationFigures> & {
  rows: { total: number; scored: number; notApplicable: number; failed: number; invalid: number };
  msPerStudy: { median: number; p95: number } | null;
};

/** A run with its figures and the rows that could not be used (for the model page and the CLI). */
export async function getValidation(db: Db, id: string) {
  const run = await db.modelValidation.findUnique({ where: { id } });
  if (!run) throw new NotFoundError("Validation", id);
  const problems = await db.modelValidationCase.findMany({
    where: { validationId: id, status: { in: ["FAILED", "NOT_APPLICABLE", "INVALID"] } },
    orderBy: { line: "asc" },
    take: 500,
    select: { line: true, studyKey: true, status: true, reason: true },
  });
  return { ...run, summary: run.summary as ValidationSummary | null, problems };
}

/** A model version's validation runs (by its AiModel row), newest first. */
export async function listValidations(db: Db, aiModelId: string) {
  const model = await db.aiModel.findUnique({ where: { id: aiModelId } });
  if (!model) throw new NotFoundError("Model", aiModelId);
  const runs = await db.modelValidation.findMany({
    where: { modelId: model.modelId, modelVersion: model.version },
    orderBy: { createdAt: "desc" },
    take: 20,
  });
  return runs.map((r) => ({ ...r, summary: r.summary as ValidationSummary | null }));
}

/** The admin page's upload: a validation of the version behind an AiModel row, run by the workers. */
export async function startModelVersionValidation(
  db: Db,
  actorId: string,
  aiModelId: string,
  input: { labelsName: string; labelsText: string; targetSensitivity?: number },
) {
  const model = await db.aiModel.findUnique({ where: { id: aiModelId } });
  if (!model) throw new NotFoundError("Model", aiModelId);
  return startValidation(db, { modelId: model.modelId, version: model.version, ...input, actorId, runBy: "worker" });
}

/** The model card's "Local validation" text: each version's latest finished run on this site's studies. */
export async function localValidationSection(db: Db, modelId: string): Promise<string | null> {
  const runs = await db.modelValidation.findMany({
    where: { modelId, status: "DONE" },
    orderBy: { finishedAt: { sort: "desc", nulls: "last" } },
    distinct: ["modelVersion"],
  });
  if (runs.length === 0) return null;
  return runs
    .map((r) => validationReport({ ...r, summary: r.summary as ValidationSummary | null, problems: [] }))
    .join("\n\n");
}

import type { Db } from "../db/client";
import { getDriftBands } from "../core/settings";
import {
  driftAlerts,
  populationStabilityIndex,
  type DriftAlert,
  type DriftBaseline,
  type WindowFigures,
} from "@/lib/models/drift";

import type { ValidationSummary } from "./local-validation";

const DAY_MS = 86_400_000;
/** The weeks a version's last day is compared with. */
export const BASELINE_DAYS = 28;

type Version = { modelId: string; version: string };

/** A version's results in [from, to): counts by status, flags, score bins, p95 time, radiologists' verdicts on flags. */
export async function windowFigures(db: Db, v: Version, from: Date, to: Date): Promise<WindowFigures> {
  const [counts] = await db.$queryRaw<
    { results: bigint; scored: bigint; flagged: bigint; failed: bigint; notApplicable: bigint; p95: number | null }[]
  >`
    SELECT count(*) AS results,
      count(*) FILTER (WHERE status = 'SCORED') AS scored,
      count(*) FILTER (WHERE status = 'SCORED' AND (critical OR urgent)) AS flagged,
      count(*) FILTER (WHERE status = 'FAILED') AS failed,
      count(*) FILTER (WHERE status = 'NOT_APPLICABLE') AS "notApplicable",
      percentile_cont(0.95) WITHIN GROUP (ORDER BY (timings->>'totalMs')::float) FILTER (WHERE status = 'SCORED') AS p95
    FROM "AiResult"
    WHERE "modelId" = ${v.modelId} AND "modelVersion" = ${v.version} AND "createdAt" >= ${from} AND "createdAt" < ${to}`;
  const bins = await db.$queryRaw<{ bin: number; n: bigint }[]>`
    SELECT least(9, greatest(0, floor(probability * 10)))::int AS bin, count(*) AS n
    FROM "AiResult"
    WHERE "modelId" = ${v.modelId} AND "modelVersion" = ${v.version} AND "createdAt" >= ${from} AND "createdAt" < ${to}
      AND status = 'SCORED' AND probability IS NOT NULL
    GROUP BY 1`;
  const [verdicts] = await db.$queryRaw<{ confirmed: bigint; dismissed: bigint }[]>`
    WITH latest AS (
      SELECT DISTINCT ON (f."aiResultId") f."aiResultId", f.verdict FROM "AiFeedback" f
      JOIN "AiResult" r ON r.id = f."aiResultId"
      WHERE r."modelId" = ${v.modelId} AND r."modelVersion" = ${v.version} AND r."createdAt" >= ${from}
        AND r."createdAt" < ${to} AND (r.critical OR r.urgent)
      ORDER BY f."aiResultId", f.at DESC
    )
    SELECT count(*) FILTER (WHERE verdict = 'confirmed') AS confirmed,
      count(*) FILTER (WHERE verdict = 'dismissed') AS dismissed FROM latest`;
  const histogram = new Array<number>(10).fill(0);
  for (const b of bins) histogram[b.bin] = Number(b.n);
  return {
    results: Number(counts!.results),
    scored: Number(counts!.scored),
    flagged: Number(counts!.flagged),
    failed: Number(counts!.failed),
    notApplicable: Number(counts!.notApplicable),
    histogram,
    p95Ms: counts!.p95,
    confirmed: Number(verdicts!.confirmed),
    dismissed: Number(verdicts!.dismissed),
  };
}

/**
 * What a version's last day is compared with: its own previous 28 days when they hold enough
 * studies, else its latest local validation (the site's own studies, at the run's threshold).
 */
async function baselineFor(db: Db, v: Version, now: Date, minStudies: number): Promise<DriftBaseline | null> {
  const until = new Date(now.getTime() - DAY_MS);
  const weeks = await windowFigures(db, v, new Date(until.getTime() - BASELINE_DAYS * DAY_MS), until);
  if (weeks.scored >= minStudies)
    return {
      scored: weeks.scored,
      flagged: weeks.flagged,
      histogram: weeks.histogram,
      from: `the previous ${BASELINE_DAYS} days`,
    };
  const validation = await db.modelValidation.findFirst({
    where: { modelId: v.modelId, modelVersion: v.version, status: "DONE" },
    orderBy: { finishedAt: { sort: "desc", nulls: "last" } },
  });
  const summary = validation?.summary as ValidationSummary | null | undefined;
  if (!summary || summary.cases === 0) return null;
  return {
    scored: summary.cases,
    flagged: summary.atThreshold.truePositive + summary.atThreshold.falsePositive,
    histogram: summary.scoreHistogram,
    from: `the local validation (${validation!.labelsName})`,
  };
}

export type VersionDrift = Version & {
  aiModelId: string;
  mode: string;
  lastDay: WindowFigures;
  baseline: DriftBaseline | null;
  psi: number | null;
  alerts: DriftAlert[];
};

/** Every enabled version's last 24 hours against its baseline, with the bands it crosses. */
export async function driftStatus(db: Db, now = new Date()): Promise<VersionDrift[]> {
  const bands = await getDriftBands(db, { fresh: true });
  const versions = await db.aiModel.findMany({
    where: { enabled: true, loadError: null },
    orderBy: [{ modelId: "asc" }, { version: "asc" }],
  });
  const out: VersionDrift[] = [];
  for (const m of versions) {
    const v = { modelId: m.modelId, version: m.version };
    const lastDay = await windowFigures(db, v, new Date(now.getTime() - DAY_MS), now);
    const baseline = await baselineFor(db, v, now, bands.minStudies);
    out.push({
      ...v,
      aiModelId: m.id,
      mode: m.mode,
      lastDay,
      baseline,
      psi: baseline ? populationStabilityIndex(baseline.histogram, lastDay.histogram) : null,
      alerts: driftAlerts(lastDay, baseline, bands),
    });
  }
  return out;
}

export type OpenedDriftAlert = Version & DriftAlert & { id: string; openedAt: Date };

/**
 * The drift check the workers run every few minutes: an alert opens when a version first
 * crosses a band (returned, to be sent to the webhook once), follows the figures while it
 * stays crossed, and closes when they are back inside.
 */
export async function checkModelDrift(db: Db, now = new Date()): Promise<OpenedDriftAlert[]> {
  const status = await driftStatus(db, now);
  const opened: OpenedDriftAlert[] = [];
  await db.$transaction(async (tx) => {
    const open = await tx.modelDriftAlert.findMany({ where: { closedAt: null } });
    const key = (a: { modelId: string; modelVersion: string; kind: string }) =>
      `${a.modelId}@${a.modelVersion}:${a.kind}`;
    const stillOpen = new Set<string>();
    for (const v of status)
      for (const alert of v.alerts) {
        const k = key({ modelId: v.modelId, modelVersion: v.version, kind: alert.kind });
        stillOpen.add(k);
        const existing = open.find((o) => key(o) === k);
        if (existing) {
          await tx.modelDriftAlert.update({
            where: { id: existing.id },
            data: { message: alert.message, value: alert.value, limit: alert.limit, seenAt: now },
          });
          continue;
        }
        const row = await tx.modelDriftAlert.create({
          data: {
            modelId: v.modelId,
            modelVersion: v.version,
            kind: alert.kind,
            message: alert.message,
            value: alert.value,
            limit: alert.limit,
            openedAt: now,
            seenAt: now,
          },
        });
        opened.push({ ...alert, modelId: v.modelId, version: v.version, id: row.id, openedAt: now });
      }
    const gone = open.filter((o) => !stillOpen.has(key(o))).map((o) => o.id);
    if (gone.length) await tx.modelDriftAlert.updateMany({ where: { id: { in: gone } }, data: { closedAt: now } });
  });
  return opened;
}

/** Alerts still open, newest first (admin page, /metrics). */
export function openDriftAlerts(db: Db) {
  return db.modelDriftAlert.findMany({ where: { closedAt: null }, orderBy: { openedAt: "desc" } });
}

/**
 * One version's figures per department day over the last `days` days, for its chart: studies
 * scored, flag rate, failed and not-applicable shares, p95 time, PPV, and the day's score
 * shift (PSI) against its latest local validation, else against the whole period.
 */
export async function dailyModelFigures(db: Db, aiModelId: string, timeZone: string, days = 30, now = new Date()) {
  const model = await db.aiModel.findUnique({ where: { id: aiModelId } });
  if (!model) return null;
  const since = new Date(now.getTime() - days * DAY_MS);
  const rows = await db.$queryRaw<
    {
      day: Date;
      results: bigint;
      scored: bigint;
      flagged: bigint;
      failed: bigint;
      notApplicable: bigint;
      p95: number | null;
      bins: number[] | null;
      confirmed: bigint;
      dismissed: bigint;
    }[]
  >`
    WITH r AS (
      SELECT x.*, (x."createdAt" AT TIME ZONE 'UTC' AT TIME ZONE ${timeZone})::date AS day,
        (SELECT f.verdict FROM "AiFeedback" f WHERE f."aiResultId" = x.id ORDER BY f.at DESC LIMIT 1) AS verdict
      FROM "AiResult" x
      WHERE x."modelId" = ${model.modelId} AND x."modelVersion" = ${model.version} AND x."createdAt" >= ${since}
    )
    SELECT day, count(*) AS results,
      count(*) FILTER (WHERE status = 'SCORED') AS scored,
      count(*) FILTER (WHERE status = 'SCORED' AND (critical OR urgent)) AS flagged,
      count(*) FILTER (WHERE status = 'FAILED') AS failed,
      count(*) FILTER (WHERE status = 'NOT_APPLICABLE') AS "notApplicable",
      percentile_cont(0.95) WITHIN GROUP (ORDER BY (timings->>'totalMs')::float) FILTER (WHERE status = 'SCORED') AS p95,
      array_agg(least(9, greatest(0, floor(probability * 10)))::int) FILTER (WHERE status = 'SCORED' AND probability IS NOT NULL) AS bins,
      count(*) FILTER (WHERE (critical OR urgent) AND verdict = 'confirmed') AS confirmed,
      count(*) FILTER (WHERE (critical OR urgent) AND verdict = 'dismissed') AS dismissed
    FROM r GROUP BY day ORDER BY day`;
  const histogramOf = (bins: number[] | null) => {
    const h = new Array<number>(10).fill(0);
    for (const b of bins ?? []) h[b]!++;
    return h;
  };
  const latest = await db.modelValidation.findFirst({
    where: { modelId: model.modelId, modelVersion: model.version, status: "DONE" },
    orderBy: { finishedAt: { sort: "desc", nulls: "last" } },
  });
  // A validation of a dozen studies is no distribution to measure a day against: the period itself is then.
  const { minStudiesForPsi } = await getDriftBands(db);
  const summary = latest?.summary as ValidationSummary | null | undefined;
  const validation = summary && summary.cases >= minStudiesForPsi ? latest : null;
  const reference = validation
    ? summary!.scoreHistogram
    : rows.reduce((sum, r) => sum.map((s, i) => s + histogramOf(r.bins)[i]!), new Array<number>(10).fill(0));
  const rate = (a: bigint, b: bigint) => (Number(b) === 0 ? null : Number(a) / Number(b));
  return {
    modelId: model.modelId,
    version: model.version,
    psiReference: validation ? `local validation (${validation.labelsName})` : `the whole ${days} days`,
    days: rows.map((r) => ({
      day: r.day.toISOString().slice(0, 10),
      scored: Number(r.scored),
      flagRate: rate(r.flagged, r.scored),
      failedRate: rate(r.failed, r.results),
      notApplicableRate: rate(r.notApplicable, r.results),
      p95Ms: r.p95,
      ppv: rate(r.confirmed, r.confirmed + r.dismissed),
      psi: populationStabilityIndex(reference, histogramOf(r.bins)),
    })),
  };
}

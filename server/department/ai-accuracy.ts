import type { Db } from "../db/client";
import { NO_CHAIR_FILTERS, type ChairFilters } from "@/lib/chair-scope";
import { studyFiltersSql, type ScopeBounds } from "./chair-scope-sql";
import { accuracyFromFeedback, type AccuracyFigures } from "@/lib/models/accuracy";

export type ModelAccuracy = AccuracyFigures & {
  modelId: string;
  modelVersion: string;
  scored: number;
  flagged: number;
  /** Results nobody confirmed or dismissed yet (they count in neither direction of accuracy). */
  withoutFeedback: number;
  /** Flags a radiologist dismissed, of all flags (reviewed or not): how often readers overrule it. */
  dismissedFlags: number;
  /** Median minutes from a flag to the study's read, over flagged studies read since; null if none was. */
  flagToReadP50: number | null;
  /** Flagged studies not read yet. */
  flagsUnread: number;
};

/**
 * Per model version, over results stored in [since, until) on studies the filters take in: how
 * many studies it scored and flagged, its accuracy as radiologists judged it (each result counted
 * once, by its latest feedback), how many results nobody reviewed, and how long its flags waited
 * to be read.
 */
export async function aiAccuracy(
  db: Db,
  { since, until }: ScopeBounds,
  filters: ChairFilters = NO_CHAIR_FILTERS,
): Promise<ModelAccuracy[]> {
  const rows = await db.$queryRaw<
    {
      modelId: string;
      modelVersion: string;
      scored: bigint;
      flagged: bigint;
      tp: bigint;
      fp: bigint;
      tn: bigint;
      fn: bigint;
      none: bigint;
      flagToRead: number | null;
      unread: bigint;
    }[]
  >`
    WITH latest AS (
      SELECT DISTINCT ON (f."aiResultId") f."aiResultId", f.verdict FROM "AiFeedback" f ORDER BY f."aiResultId", f.at DESC
    )
    SELECT r."modelId", r."modelVersion", count(*) AS scored,
      count(*) FILTER (WHERE r.critical OR r.urgent) AS flagged,
      count(*) FILTER (WHERE (r.critical OR r.urgent) AND l.verdict = 'confirmed') AS tp,
      count(*) FILTER (WHERE (r.critical OR r.urgent) AND l.verdict = 'dismissed') AS fp,
      count(*) FILTER (WHERE NOT (r.critical OR r.urgent) AND l.verdict = 'confirmed') AS tn,
      count(*) FILTER (WHERE NOT (r.critical OR r.urgent) AND l.verdict = 'dismissed') AS fn,
      count(*) FILTER (WHERE l.verdict IS NULL) AS none,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s."readAt" - r."createdAt") / 60)
        FILTER (WHERE (r.critical OR r.urgent) AND s."readAt" >= r."createdAt") AS "flagToRead",
      count(*) FILTER (WHERE (r.critical OR r.urgent) AND s."readAt" IS NULL) AS unread
    FROM "AiResult" r
    JOIN "Study" s ON s.id = r."studyId"
    LEFT JOIN latest l ON l."aiResultId" = r.id
    WHERE r.status = 'SCORED' AND NOT r.shadow AND r."createdAt" >= ${since} AND r."createdAt" < ${until} AND ${studyFiltersSql(filters)}
    GROUP BY 1, 2 ORDER BY 1, 2`;
  return rows.map((r) => ({
    modelId: r.modelId,
    modelVersion: r.modelVersion,
    scored: Number(r.scored),
    flagged: Number(r.flagged),
    withoutFeedback: Number(r.none),
    dismissedFlags: Number(r.fp),
    flagToReadP50: r.flagToRead === null ? null : Math.round(r.flagToRead * 10) / 10,
    flagsUnread: Number(r.unread),
    ...accuracyFromFeedback({
      truePositive: Number(r.tp),
      falsePositive: Number(r.fp),
      trueNegative: Number(r.tn),
      falseNegative: Number(r.fn),
    }),
  }));
}

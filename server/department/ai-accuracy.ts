import type { Db } from "../db/client";
import { accuracyFromFeedback, type AccuracyFigures } from "@/lib/models/accuracy";

export type ModelAccuracy = AccuracyFigures & {
  modelId: string;
  modelVersion: string;
  scored: number;
  flagged: number;
};

/**
 * Per model version over the window: how many studies it scored and flagged, and its
 * accuracy as radiologists judged it (each result counted once, by its latest feedback).
 */
export async function aiAccuracy(db: Db, since: Date): Promise<ModelAccuracy[]> {
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
      count(*) FILTER (WHERE NOT (r.critical OR r.urgent) AND l.verdict = 'dismissed') AS fn
    FROM "AiResult" r LEFT JOIN latest l ON l."aiResultId" = r.id
    WHERE r.status = 'SCORED' AND r."createdAt" >= ${since}
    GROUP BY 1, 2 ORDER BY 1, 2`;
  return rows.map((r) => ({
    modelId: r.modelId,
    modelVersion: r.modelVersion,
    scored: Number(r.scored),
    flagged: Number(r.flagged),
    ...accuracyFromFeedback({
      truePositive: Number(r.tp),
      falsePositive: Number(r.fp),
      trueNegative: Number(r.tn),
      falseNegative: Number(r.fn),
    }),
  }));
}

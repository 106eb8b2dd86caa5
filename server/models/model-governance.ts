import { TRPCError } from "@trpc/server";
import type { Db } from "../db/client";
import { recordAudit } from "../core/audit";
import { compareShadowResults, type PairedResult } from "@/lib/models/shadow-comparison";

/**
 * Puts a model version live or in shadow, in one audited transaction. Promoting a version
 * puts the model's other live versions in shadow (one live version per model: the one the
 * worklist orders by), so promoting the old one again is the way back. Results stay with the
 * version that made them; the change applies to study revisions dispatched from now on.
 */
export async function setModelMode(db: Db, actorId: string, id: string, mode: "LIVE" | "SHADOW") {
  const model = await db.aiModel.findUnique({ where: { id } });
  if (!model) throw new TRPCError({ code: "NOT_FOUND", message: "No such model" });
  if (mode === "LIVE" && model.loadError)
    throw new TRPCError({
      code: "CONFLICT",
      message: `${model.modelId} ${model.version} was refused by the workers and cannot go live: ${model.loadError}`,
    });
  return db.$transaction(async (tx) => {
    if (mode === "SHADOW") {
      const updated = await tx.aiModel.update({ where: { id }, data: { mode } });
      await recordAudit(tx, {
        actorId,
        action: "model.shadowed",
        details: { modelId: model.modelId, version: model.version, from: model.mode },
      });
      return updated;
    }
    const replaced = await tx.aiModel.findMany({
      where: { modelId: model.modelId, mode: "LIVE", id: { not: id } },
      select: { id: true, version: true },
    });
    await tx.aiModel.updateMany({ where: { id: { in: replaced.map((r) => r.id) } }, data: { mode: "SHADOW" } });
    const updated = await tx.aiModel.update({ where: { id }, data: { mode, enabled: true } });
    await recordAudit(tx, {
      actorId,
      action: "model.promoted",
      details: {
        modelId: model.modelId,
        version: model.version,
        from: model.mode,
        replaced: replaced.map((r) => r.version),
      },
    });
    return updated;
  });
}

/**
 * A shadow version side by side with the model's live version, on the study revisions both
 * scored in the last `days` days: agreement, each one's flag rate, and the studies where
 * they disagree (the most different first).
 */
export async function shadowComparison(db: Db, id: string, days = 30, now = new Date()) {
  const model = await db.aiModel.findUnique({ where: { id } });
  if (!model) throw new TRPCError({ code: "NOT_FOUND", message: "No such model" });
  const live = await db.aiModel.findFirst({
    where: { modelId: model.modelId, mode: "LIVE", id: { not: id } },
    orderBy: { lastLoadedAt: "desc" },
  });
  if (!live) return { model: model.version, live: null, days, comparison: null };
  const since = new Date(now.getTime() - days * 86_400_000);
  const rows = await db.$queryRaw<(PairedResult & { accessionNumber: string | null; description: string | null })[]>`
    SELECT s.id AS "studyId", s."accessionNumber", s.description,
      a.probability AS "liveProbability", a.critical AS "liveCritical", a.urgent AS "liveUrgent",
      b.probability AS "shadowProbability", b.critical AS "shadowCritical", b.urgent AS "shadowUrgent"
    FROM "AiResult" b
    JOIN "AiResult" a ON a."studyId" = b."studyId" AND a."studyRevision" = b."studyRevision"
      AND a."modelId" = ${live.modelId} AND a."modelVersion" = ${live.version} AND a.status = 'SCORED'
    JOIN "Study" s ON s.id = b."studyId"
    WHERE b."modelId" = ${model.modelId} AND b."modelVersion" = ${model.version} AND b.status = 'SCORED'
      AND b."createdAt" >= ${since}`;
  const comparison = compareShadowResults(rows);
  const byStudy = new Map(rows.map((r) => [r.studyId, r]));
  return {
    model: model.version,
    live: live.version,
    days,
    comparison: {
      ...comparison,
      disagreements: comparison.disagreements.map((d) => ({
        ...d,
        accessionNumber: byStudy.get(d.studyId)?.accessionNumber ?? null,
        description: byStudy.get(d.studyId)?.description ?? null,
      })),
    },
  };
}

import type { Db } from "../db/client";
import { seriesApplies } from "@/lib/models/manifest";
import type { LoadedModel } from "../models/model-session";
import type { ActiveModel } from "../models/model-registry";
import { refreshPriorities } from "../worklist/refresh-priority";
import { notifyWorklist } from "../core/worklist-events";
import { recordAudit } from "../core/audit";
import type { ScoreJobData } from "../core/queues";

export type SendScoreJob = (job: ScoreJobData) => Promise<void>;

/**
 * Finds open studies whose current revision has not been dispatched yet and queues one
 * job per applicable model (by the manifests' series rules on the QIDO series listing),
 * or labels the study "no applicable model". Shadow versions get jobs of their own beside
 * the live ones, and count neither towards the verdict nor towards "not applicable". Safe to run in every worker at once: job
 * ids are derived from (study, revision, model version), and the mark is conditional.
 * Returns how many jobs were queued.
 */
export async function dispatchScoring(
  db: Db,
  models: ActiveModel[],
  send: SendScoreJob,
  limit = 200,
): Promise<{ queued: number; notApplicable: number }> {
  const due = await db.$queryRaw<{ id: string; revision: number; aiStatus: string | null }[]>`
    SELECT id, revision, "aiStatus"::text AS "aiStatus" FROM "Study"
    WHERE "readingState" IN ('UNREAD', 'CLAIMED') AND ("scoringRevision" IS NULL OR "scoringRevision" < revision)
    ORDER BY "firstSeenAt" LIMIT ${limit}`;
  if (due.length === 0) return { queued: 0, notApplicable: 0 };
  const series = await db.series.findMany({
    where: { studyId: { in: due.map((d) => d.id) } },
    select: {
      studyId: true,
      modality: true,
      bodyPart: true,
      description: true,
      numberOfInstances: true,
      sliceThicknessMm: true,
      imageType: true,
    },
  });
  let queued = 0;
  let notApplicable = 0;
  for (const study of due) {
    const own = series.filter((s) => s.studyId === study.id);
    const applies = (m: ActiveModel) =>
      own.some((s) => seriesApplies(m.manifest, { ...s, instances: s.numberOfInstances }).applies);
    for (const m of models.filter((x) => x.shadow && applies(x))) {
      await send({
        studyId: study.id,
        revision: study.revision,
        modelId: m.manifest.id,
        modelVersion: m.manifest.version,
        expectedModels: 0,
        shadow: true,
      });
      queued++;
    }
    const live = models.filter((m) => !m.shadow);
    const checks = live.map((m) => ({
      model: m,
      results: own.map((s) => seriesApplies(m.manifest, { ...s, instances: s.numberOfInstances })),
    }));
    const applicable = checks.filter((c) => c.results.some((r) => r.applies)).map((c) => c.model);
    if (applicable.length > 0) {
      if (study.aiStatus === "not_applicable" || study.aiStatus === "unavailable") await showPending(db, study);
      for (const m of applicable) {
        await send({
          studyId: study.id,
          revision: study.revision,
          modelId: m.manifest.id,
          modelVersion: m.manifest.version,
          expectedModels: applicable.length,
        });
        queued++;
      }
      await db.study.updateMany({
        where: { id: study.id, revision: study.revision },
        data: { scoringRevision: study.revision },
      });
      continue;
    }
    const reason =
      own.length === 0
        ? "the PACS listed no series"
        : live.length === 0
          ? "no model is enabled"
          : (nearMiss(checks) ?? describeSeries(own));
    await db.$transaction(async (tx) => {
      const { count } = await tx.study.updateMany({
        where: { id: study.id, revision: study.revision },
        data: {
          scoringRevision: study.revision,
          aiStatus: "not_applicable",
          aiReason: reason,
          aiFinding: null,
          aiProbability: null,
          aiModelId: null,
          aiModelVersion: null,
          scoredAt: new Date(),
        },
      });
      if (count === 0) return;
      await refreshPriorities(tx, [study.id]);
      await recordAudit(tx, {
        actorId: null,
        action: "study.not-applicable",
        studyId: study.id,
        details: { revision: study.revision, reason },
      });
      await notifyWorklist(tx, { type: "scored", studyId: study.id });
    });
    notApplicable++;
  }
  return { queued, notApplicable };
}

/**
 * A study that was "not applicable" or "AI unavailable" at an earlier revision (say
 * Orthanc's first images were too few) goes back to "AI pending" while the new revision
 * is scored. A critical or urgent flag stays until the new verdict replaces it, so more
 * images arriving never unpin a flagged study; a verdict already stored for this
 * revision is left alone.
 */
async function showPending(db: Db, study: { id: string; revision: number }): Promise<void> {
  await db.$transaction(async (tx) => {
    const relabelled = await tx.$executeRaw`
      UPDATE "Study" s SET "aiStatus" = NULL, "aiReason" = NULL, "aiFinding" = NULL, "aiProbability" = NULL,
        "aiModelId" = NULL, "aiModelVersion" = NULL, "scoredAt" = NULL
      WHERE s.id = ${study.id} AND s.revision = ${study.revision} AND s."aiStatus" IN ('not_applicable', 'unavailable')
        AND NOT EXISTS (SELECT 1 FROM "AiResult" r WHERE r."studyId" = s.id AND r."studyRevision" = s.revision)`;
    if (relabelled === 0) return;
    await refreshPriorities(tx, [study.id]);
    await notifyWorklist(tx, { type: "changed", studyId: study.id });
  });
}

/** "ich-headct: 2 instances, fewer than 12" when a model fits the kind of study but not its series. */
function nearMiss(checks: { model: LoadedModel; results: ReturnType<typeof seriesApplies>[] }[]): string | null {
  for (const { model, results } of checks) {
    const near = results.find((r) => !r.applies && r.kindMatches);
    if (near && !near.applies) return `${model.manifest.id}: ${near.reason}`;
  }
  return null;
}

function describeSeries(series: { modality: string | null; bodyPart: string | null }[]): string {
  const kinds = [...new Set(series.map((s) => [s.modality ?? "?", s.bodyPart ?? ""].join(" ").trim()))];
  return `no model for ${kinds.join(", ")}`;
}

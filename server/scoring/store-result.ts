import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { summariseResults } from "@/lib/models/study-verdict";
import { verdictLagBucket } from "@/lib/ops/verdict-lag";
import { recordAudit } from "../core/audit";
import { refreshPriorities } from "../worklist/refresh-priority";
import { notifyWorklist } from "../core/worklist-events";
import type { ScoreJobData } from "../core/queues";

export type ResultToStore = {
  status: "SCORED" | "NOT_APPLICABLE" | "FAILED";
  seriesInstanceUid?: string | null;
  probability?: number | null;
  finding?: string | null;
  critical?: boolean;
  urgent?: boolean;
  keySliceIndex?: number | null;
  keySliceInstanceNumber?: number | null;
  keySliceProbability?: number | null;
  reason?: string | null;
  timings?: Record<string, number> | null;
  preview?: Uint8Array | null;
};

/**
 * Stores one model's result on one study revision and, in the same transaction, the
 * study's AI summary, its due time and pin, an audit event and the worklist notification.
 * All or nothing: a worker killed half-way leaves no trace, and the job runs again.
 * A shadow version's result is stored, counted and audited, and nothing else: the study's
 * label, order, pin and notifications are the live models' alone.
 * Returns the new result's id, or null when this (revision, model version) was already stored.
 */
export async function storeAiResult(
  db: Db,
  job: ScoreJobData,
  result: ResultToStore,
): Promise<{ id: string; critical: boolean } | null> {
  return db.$transaction(async (tx) => {
    // Serialises results of several models on one study, so the last one sees all the others.
    const locked = await tx.$queryRaw<
      { revision: number; scoredAt: Date | null; firstSeenAt: Date }[]
    >`SELECT revision, "scoredAt", "firstSeenAt" FROM "Study" WHERE id = ${job.studyId} FOR UPDATE`;
    if (locked.length === 0) return null;
    const { count } = await tx.aiResult.createMany({
      skipDuplicates: true,
      data: [
        {
          studyId: job.studyId,
          modelId: job.modelId,
          modelVersion: job.modelVersion,
          studyRevision: job.revision,
          status: result.status,
          seriesInstanceUid: result.seriesInstanceUid ?? null,
          probability: result.probability ?? null,
          finding: result.finding ?? null,
          critical: result.critical ?? false,
          urgent: result.urgent ?? false,
          keySliceIndex: result.keySliceIndex ?? null,
          keySliceInstanceNumber: result.keySliceInstanceNumber ?? null,
          keySliceProbability: result.keySliceProbability ?? null,
          reason: result.reason ?? null,
          shadow: job.shadow ?? false,
          timings: result.timings ?? Prisma.DbNull,
          preview: result.preview ? Buffer.from(result.preview) : null,
        },
      ],
    });
    if (count === 0) return null;
    await addToTotals(tx, job, result);
    const stored = await tx.aiResult.findUniqueOrThrow({
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
    const audit = {
      actorId: null,
      studyId: job.studyId,
      details: {
        model: job.modelId,
        version: job.modelVersion,
        revision: job.revision,
        status: result.status,
        probability: result.probability ?? null,
        critical: result.critical ?? false,
        reason: result.reason ?? null,
      },
    };
    if (job.shadow) {
      await recordAudit(tx, { ...audit, action: "study.scored-shadow" });
      return { id: stored.id, critical: false };
    }
    const results = await tx.aiResult.findMany({
      where: { studyId: job.studyId, studyRevision: job.revision, shadow: false },
      select: {
        status: true,
        modelId: true,
        modelVersion: true,
        finding: true,
        probability: true,
        critical: true,
        urgent: true,
        reason: true,
      },
    });
    const verdict = summariseResults(results, job.expectedModels);
    // A result for an older revision is kept for the record but does not relabel the study.
    const current = locked[0]!.revision === job.revision;
    if (verdict && current) {
      const scoredAt = new Date();
      await tx.study.update({ where: { id: job.studyId }, data: { ...verdict, scoredAt } });
      await refreshPriorities(tx, [job.studyId]);
      // The study's first verdict (scoredAt is cleared while a new revision waits): its lag from
      // arrival. "Not applicable" is left out: it reorders nothing.
      if (locked[0]!.scoredAt === null && verdict.aiStatus !== "not_applicable")
        await countVerdictLag(tx, (scoredAt.getTime() - locked[0]!.firstSeenAt.getTime()) / 1000);
    }
    await recordAudit(tx, { ...audit, action: "study.scored" });
    const critical = current && verdict?.aiStatus === "critical" && (result.critical ?? false);
    await notifyWorklist(tx, { type: "scored", studyId: job.studyId, critical });
    return { id: stored.id, critical };
  });
}

/** Counts a verdict's lag in its VerdictLagBucket (for /metrics' histogram), in the verdict's transaction. */
async function countVerdictLag(tx: Prisma.TransactionClient, seconds: number): Promise<void> {
  // As text: Infinity is not a JSON number, and Postgres reads 'Infinity' as float8.
  const upperSeconds = verdictLagBucket(seconds);
  await tx.$executeRaw`
    INSERT INTO "VerdictLagBucket" ("upperSeconds", "verdicts", "sumSeconds") VALUES (${String(upperSeconds)}::float8, 1, ${seconds})
    ON CONFLICT ("upperSeconds") DO UPDATE SET "verdicts" = "VerdictLagBucket"."verdicts" + 1,
      "sumSeconds" = "VerdictLagBucket"."sumSeconds" + EXCLUDED."sumSeconds"`;
}

/** Counts the result in AiResultTotal (for /metrics); the same transaction, so a rolled-back result is not counted. */
async function addToTotals(tx: Prisma.TransactionClient, job: ScoreJobData, result: ResultToStore): Promise<void> {
  const t = result.timings ?? {};
  const ms = {
    totalMs: t.totalMs ?? 0,
    fetchMs: t.fetchMs ?? 0,
    decodeMs: t.decodeMs ?? 0,
    inferenceMs: t.inferenceMs ?? 0,
  };
  await tx.aiResultTotal.upsert({
    where: {
      modelId_modelVersion_status: { modelId: job.modelId, modelVersion: job.modelVersion, status: result.status },
    },
    create: { modelId: job.modelId, modelVersion: job.modelVersion, status: result.status, results: 1, ...ms },
    update: {
      results: { increment: 1 },
      totalMs: { increment: ms.totalMs },
      fetchMs: { increment: ms.fetchMs },
      decodeMs: { increment: ms.decodeMs },
      inferenceMs: { increment: ms.inferenceMs },
    },
  });
}

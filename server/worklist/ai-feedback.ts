import type { Db } from "../db/client";
import { NotFoundError } from "../core/errors";
import { recordAudit } from "../core/audit";

/**
 * A radiologist confirms or dismisses one AI result (one model version on one study
 * revision); saying it again replaces their earlier word. This is the ground truth the
 * chair's AI-accuracy figures are computed from.
 */
export async function giveAiFeedback(
  db: Db,
  user: { id: string },
  input: { aiResultId: string; verdict: "confirmed" | "dismissed"; comment?: string | null },
) {
  const result = await db.aiResult.findUnique({
    where: { id: input.aiResultId },
    select: { id: true, studyId: true, modelId: true, modelVersion: true, status: true, shadow: true },
  });
  // A shadow result is not shown to readers; feedback on it would count towards a model nobody read from.
  if (!result || result.status !== "SCORED" || result.shadow) throw new NotFoundError("AI result", input.aiResultId);
  const comment = input.comment?.trim() || null;
  return db.$transaction(async (tx) => {
    const feedback = await tx.aiFeedback.upsert({
      where: { aiResultId_userId: { aiResultId: result.id, userId: user.id } },
      create: { aiResultId: result.id, userId: user.id, verdict: input.verdict, comment },
      update: { verdict: input.verdict, comment, at: new Date() },
    });
    await recordAudit(tx, {
      actorId: user.id,
      action: `study.ai-${input.verdict}`,
      studyId: result.studyId,
      details: { model: result.modelId, version: result.modelVersion, ...(comment ? { reason: comment } : {}) },
    });
    return feedback;
  });
}

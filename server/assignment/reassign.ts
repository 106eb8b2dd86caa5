import type { Db } from "../db/client";
import { recordAudit } from "../core/audit";
import { ConflictError, InvalidRequestError, NotFoundError } from "../core/errors";
import { notifyWorklist } from "../core/worklist-events";
import { eligibility } from "@/lib/routing/eligibility";
import { readerAccess, routingContext } from "../routing/reader-access";

/**
 * A scheduler or admin gives an open study to another reader (or back to nobody, `toUserId`
 * null): the new reader must be eligible for it. Audited with who had it and why; both
 * readers' lists change live. A study someone is reading stays with them.
 */
export async function reassignStudy(
  db: Db,
  actor: { id: string },
  studyId: string,
  toUserId: string | null,
  reason: string,
  now = new Date(),
) {
  const study = await db.study.findUnique({
    where: { id: studyId },
    select: {
      dueAt: true,
      readingState: true,
      assignedToId: true,
      routedGroup: true,
      sourceId: true,
      modalities: true,
      bodyPart: true,
      orderPriority: true,
      aiStatus: true,
      firstSeenAt: true,
    },
  });
  if (!study) throw new NotFoundError("Study", studyId);
  if (study.dueAt === null) throw new ConflictError("This study has already been read.");
  if (study.readingState === "CLAIMED") throw new ConflictError("Someone is reading this study; it stays with them.");
  if (toUserId !== null) {
    const reader = await readerAccess(db, toUserId);
    if (!reader) throw new NotFoundError("User", toUserId);
    const e = eligibility(reader, study, await routingContext(db, now));
    if (!e.eligible) throw new InvalidRequestError(`${reader.name} may not read this study: ${e.reason}.`);
  }
  await db.$transaction(async (tx) => {
    await tx.study.update({
      where: { id: studyId },
      data: { assignedToId: toUserId, assignedAt: toUserId ? now : null },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "study.reassigned",
      studyId,
      details: { from: study.assignedToId, to: toUserId, reason },
    });
    await notifyWorklist(tx, { type: "assigned", studyId, ...(toUserId ? { assignedTo: toUserId } : {}) });
  });
  return { studyId, assignedTo: toUserId };
}

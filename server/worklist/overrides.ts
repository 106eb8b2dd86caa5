import type { Db } from "../db/client";
import { recordAudit } from "../core/audit";
import { NotFoundError } from "../core/errors";
import { notifyWorklist } from "../core/worklist-events";
import { refreshPriorities } from "./refresh-priority";

export type OverrideInput = { kind: "pin"; reason: string } | { kind: "target"; minutes: number; reason: string };

/** A scheduler pins a study or sets its target; it wins over the class and AI, and the worklist says so. */
export async function setOverride(db: Db, actorId: string, studyId: string, input: OverrideInput, now = new Date()) {
  return db.$transaction(async (tx) => {
    const study = await tx.study.findUnique({ where: { id: studyId }, select: { id: true } });
    if (!study) throw new NotFoundError("Study", studyId);
    await tx.study.update({
      where: { id: studyId },
      data: {
        overrideKind: input.kind,
        overrideMinutes: input.kind === "target" ? input.minutes : null,
        overrideReason: input.reason,
        overrideById: actorId,
        overrideAt: now,
      },
    });
    await refreshPriorities(tx, [studyId]);
    await recordAudit(tx, { actorId, action: `study.override-${input.kind}`, studyId, details: input });
    await notifyWorklist(tx, { type: "override", studyId });
    return { studyId };
  });
}

export async function clearOverride(db: Db, actorId: string, studyId: string) {
  return db.$transaction(async (tx) => {
    const study = await tx.study.findUnique({ where: { id: studyId }, select: { overrideKind: true } });
    if (!study) throw new NotFoundError("Study", studyId);
    await tx.study.update({
      where: { id: studyId },
      data: { overrideKind: null, overrideMinutes: null, overrideReason: null, overrideById: null, overrideAt: null },
    });
    await refreshPriorities(tx, [studyId]);
    await recordAudit(tx, { actorId, action: "study.override-cleared", studyId, details: { was: study.overrideKind } });
    await notifyWorklist(tx, { type: "override", studyId });
    return { studyId };
  });
}

import type { Db, Prisma } from "../db/client";

export type AuditInput = {
  actorId: string | null;
  action: string;
  studyId?: string | null;
  details?: Prisma.InputJsonValue;
};

type AuditWriter = { auditEvent: { create: (args: { data: Prisma.AuditEventUncheckedCreateInput }) => Promise<unknown> } };

/** Writes one audit event. Call it with the transaction that makes the change, so both land or neither. */
export async function recordAudit(tx: AuditWriter, input: AuditInput): Promise<void> {
  await tx.auditEvent.create({
    data: { actorId: input.actorId, action: input.action, studyId: input.studyId ?? null, details: input.details ?? {} },
  });
}

export async function listAuditEvents(database: Db, input: { limit: number; studyId?: string }) {
  return database.auditEvent.findMany({
    where: input.studyId ? { studyId: input.studyId } : undefined,
    orderBy: { at: "desc" },
    take: input.limit,
    include: { actor: { select: { name: true, email: true } } },
  });
}

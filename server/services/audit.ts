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

/** Newest first; `who` separates what people did from the automatic study events that would bury it. */
export async function listAuditEvents(database: Db, input: { limit: number; studyId?: string; who?: "all" | "people" | "system" }) {
  const who = input.who ?? "all";
  return database.auditEvent.findMany({
    where: {
      ...(input.studyId ? { studyId: input.studyId } : {}),
      ...(who === "people" ? { actorId: { not: null } } : who === "system" ? { actorId: null } : {}),
    },
    orderBy: { at: "desc" },
    take: input.limit,
    include: { actor: { select: { name: true, email: true } } },
  });
}

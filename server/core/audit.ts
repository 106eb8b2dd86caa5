import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";

export type AuditInput = {
  actorId: string | null;
  action: string;
  studyId?: string | null;
  details?: Prisma.InputJsonValue;
};

type AuditWriter = {
  auditEvent: { create: (args: { data: Prisma.AuditEventUncheckedCreateInput }) => Promise<unknown> };
};

/** The columns of one audit event, as both ways below write them. */
const auditRow = (input: AuditInput) => ({
  actorId: input.actorId,
  action: input.action,
  studyId: input.studyId ?? null,
  details: input.details ?? {},
});

/**
 * Writes one audit event. Call it with the transaction that makes the change, so both land or neither.
 * (A change made in one SQL statement writes its event with auditInsertSql instead.)
 */
export async function recordAudit(tx: AuditWriter, input: AuditInput): Promise<void> {
  await tx.auditEvent.create({ data: auditRow(input) });
}

/**
 * The same audit event inside a one-statement change, for hot paths that must not open an
 * interactive transaction (Next case, Mark read): an INSERT for a data-modifying CTE, writing
 * one event per study id the CTE named `changed` returns, and returning their "studyId".
 */
export function auditInsertSql(
  changed: string,
  input: Omit<AuditInput, "studyId"> & {
    at: Date;
    /** Details computed per row from the CTE's columns (e.g. to whom each study went), instead of `details`. */
    detailsPerRow?: Prisma.Sql;
  },
): Prisma.Sql {
  if (!/^[a-z_]+$/.test(changed)) throw new Error(`not a CTE name: ${changed}`);
  const row = auditRow(input);
  const details = input.detailsPerRow ?? Prisma.sql`${JSON.stringify(row.details)}::jsonb`;
  return Prisma.sql`INSERT INTO "AuditEvent" (id, at, "actorId", action, "studyId", details)
      SELECT gen_random_uuid()::text, ${input.at}, ${row.actorId}, ${row.action}, id, ${details} FROM ${Prisma.raw(`"${changed}"`)}
      RETURNING "studyId"`;
}

/** Newest first; `who` separates what people did from the automatic study events that would bury it. */
export async function listAuditEvents(
  database: Db,
  input: { limit: number; studyId?: string; who?: "all" | "people" | "system" },
) {
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

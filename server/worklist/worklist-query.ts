import { Prisma } from "../db/generated/client";
import type { WorklistFilters } from "@/lib/worklist-filters";
import { arrayLiteral } from "../db/sql-literals";
import { duePartSql, MERGED_ORDER, pinnedPartsSql } from "./reading-order-sql";

/**
 * SQL conditions for the user's filters and their own skips (hidden until they lapse). The
 * filters' values are literals (server/db/sql-literals.ts): they shape Next case's walks.
 */
export function filterSql(filters: WorklistFilters, userId: string, now: Date): Prisma.Sql {
  const parts: Prisma.Sql[] = [
    Prisma.sql`NOT EXISTS (SELECT 1 FROM "StudySkip" k WHERE k."studyId" = s.id AND k."userId" = ${userId} AND k."until" > ${now})`,
  ];
  if (filters.modalities.length)
    parts.push(
      Prisma.sql`s."modalities" && ${arrayLiteral(
        filters.modalities.map((m) => m.toUpperCase()),
        "text",
      )}`,
    );
  if (filters.bodyParts.length)
    parts.push(
      Prisma.sql`upper(s."bodyPart") = ANY(${arrayLiteral(
        filters.bodyParts.map((b) => b.toUpperCase()),
        "text",
      )})`,
    );
  // Compare as enums, not text: the planner then estimates the filter well and keeps the index order.
  if (filters.priorities.length) {
    const known = filters.priorities.filter((p) => p !== "UNKNOWN");
    const unknown = filters.priorities.includes("UNKNOWN") ? Prisma.sql` OR s."orderPriority" IS NULL` : Prisma.empty;
    parts.push(Prisma.sql`(s."orderPriority" = ANY(${arrayLiteral(known, '"OrderPriority"')})${unknown})`);
  }
  if (filters.locations.length)
    parts.push(Prisma.sql`s."patientLocation" = ANY(${arrayLiteral(filters.locations, '"PatientLocation"')})`);
  if (filters.aiFlaggedOnly) parts.push(Prisma.sql`s."aiStatus" IN ('critical', 'urgent')`);
  return Prisma.join(parts, " AND ");
}

/**
 * A reader's eligible studies as slices (server/routing/eligibility-sql.ts), each walked on its
 * own group's index; null: no routing restriction, one walk over everything.
 */
export type Slices = Prisma.Sql[] | null;
const sliced = (where: Prisma.Sql, slices: Slices): Prisma.Sql[] =>
  slices === null ? [where] : slices.map((slice) => Prisma.sql`${where} AND ${slice}`);

/** Open studies matching `where`, counted up to `cap` (walking the due-time index), so the count stays cheap on a huge backlog. */
export function cappedCountSql(where: Prisma.Sql, cap: number, slices: Slices = null): Prisma.Sql {
  const walks = sliced(where, slices).map(
    (w) => Prisma.sql`(SELECT 1 FROM "Study" s WHERE s."dueAt" IS NOT NULL AND ${w} ORDER BY s."dueAt" LIMIT ${cap})`,
  );
  if (walks.length === 0) return Prisma.sql`SELECT 0::bigint AS total`;
  return Prisma.sql`SELECT least(count(*), ${cap}) AS total FROM (${Prisma.join(walks, " UNION ALL ")}) c`;
}

/** Which of `ids` are open and match `where` within the slices: the list's own conditions, for a live change. */
export function membersSql(where: Prisma.Sql, ids: readonly string[], slices: Slices = null): Prisma.Sql {
  const walks = sliced(where, slices);
  if (walks.length === 0 || ids.length === 0) return Prisma.sql`SELECT NULL::text AS id WHERE false`;
  return Prisma.sql`SELECT s.id FROM "Study" s
    WHERE s.id = ANY(${[...ids]}::text[]) AND s."dueAt" IS NOT NULL AND (${Prisma.join(
      walks.map((w) => Prisma.sql`(${w})`),
      " OR ",
    )})`;
}

/** A claim counts only while its heartbeat is fresh. */
export function activeClaimSql(now: Date, timeoutMinutes: number): Prisma.Sql {
  return Prisma.sql`(s."readingState" = 'CLAIMED' AND s."claimHeartbeatAt" >= ${new Date(now.getTime() - timeoutMinutes * 60_000)})`;
}

/**
 * Ids of open studies matching `where`, in lib/priority's reading order: pinned first by
 * pin time (a passed wait cap counts as a pin at arrival + cap), then by due time.
 * Each part (reading-order-sql.ts) walks an index in its own order and stops after `take`
 * rows, so a page costs about its own size, not the size of the backlog (nor of the pinned
 * set). A study both pinned and capped is in two pinned parts and keeps its earlier pin.
 */
export function orderedIdsSql(where: Prisma.Sql, now: Date, take: number, slices: Slices = null): Prisma.Sql {
  if (!Number.isSafeInteger(take) || take < 0) throw new Error(`take must be a whole number, not ${take}`);
  // Written into the text, not a parameter: a known LIMIT lets a prepared statement's cached plan be as cheap as a fresh one.
  const limit = Prisma.raw(String(take));
  const walks = sliced(where, slices);
  if (walks.length === 0) return Prisma.sql`SELECT NULL::text AS id WHERE false`;
  const pinned = walks.flatMap((w) => pinnedPartsSql(w, now, { limit }).map((p) => Prisma.sql`(${p.sql})`));
  const due = walks.map((w) => Prisma.sql`(${duePartSql(w, now, { limit })})`);
  return Prisma.sql`
    SELECT id FROM (
      (SELECT DISTINCT ON (id) * FROM (${Prisma.join(pinned, " UNION ALL ")}) p ORDER BY id, pin)
      UNION ALL
      ${Prisma.join(due, " UNION ALL ")}
    ) ordered
    ORDER BY ${MERGED_ORDER}
    LIMIT ${limit}`;
}

import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { env } from "../env";
import type { AuditSearch } from "@/lib/audit-search";

export type AuditRow = {
  id: string;
  at: Date;
  action: string;
  actorName: string | null;
  actorEmail: string | null;
  studyId: string | null;
  accessionNumber: string | null;
  studyInstanceUid: string | null;
  details: unknown;
};

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The WHERE clause of a search; days are the department's (DEPARTMENT_TIME_ZONE), both ends included. */
function searchConditions(search: AuditSearch): Prisma.Sql {
  const tz = env().DEPARTMENT_TIME_ZONE;
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (search.person) {
    const like = likePattern(search.person);
    conditions.push(Prisma.sql`(u.name ILIKE ${like} OR u.email ILIKE ${like})`);
  }
  if (search.action) conditions.push(Prisma.sql`e.action = ${search.action}`);
  if (search.study)
    conditions.push(Prisma.sql`e."studyId" IN (
      SELECT id FROM "Study" WHERE "accessionNumber" = ${search.study} OR "studyInstanceUid" = ${search.study} OR id = ${search.study})`);
  if (search.from)
    conditions.push(Prisma.sql`e.at >= ((${search.from}::date::timestamp AT TIME ZONE ${tz}) AT TIME ZONE 'UTC')`);
  if (search.to)
    conditions.push(Prisma.sql`e.at < (((${search.to}::date + 1)::timestamp AT TIME ZONE ${tz}) AT TIME ZONE 'UTC')`);
  if (search.who === "people") conditions.push(Prisma.sql`e."actorId" IS NOT NULL`);
  if (search.who === "system") conditions.push(Prisma.sql`e."actorId" IS NULL`);
  return Prisma.join(conditions, " AND ");
}

/** Newest first, a page at a time: `before` is the last row of the previous page. */
export async function searchAuditEvents(
  db: Db,
  search: AuditSearch,
  page: { limit: number; before?: { at: Date; id: string } },
): Promise<{ rows: AuditRow[]; more: boolean }> {
  const after = page.before ? Prisma.sql`AND (e.at, e.id) < (${page.before.at}, ${page.before.id})` : Prisma.empty;
  const rows = await db.$queryRaw<AuditRow[]>(Prisma.sql`
    SELECT e.id, e.at, e.action, e.details, e."studyId",
           u.name AS "actorName", u.email AS "actorEmail",
           s."accessionNumber", s."studyInstanceUid"
    FROM "AuditEvent" e
    LEFT JOIN "User" u ON u.id = e."actorId"
    LEFT JOIN "Study" s ON s.id = e."studyId"
    WHERE ${searchConditions(search)} ${after}
    ORDER BY e.at DESC, e.id DESC
    LIMIT ${page.limit + 1}`);
  return { rows: rows.slice(0, page.limit), more: rows.length > page.limit };
}

/** The actions that occur in the log, for the page's filter. */
export async function auditActions(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ action: string }[]>`SELECT DISTINCT action FROM "AuditEvent" ORDER BY action`;
  return rows.map((r) => r.action);
}

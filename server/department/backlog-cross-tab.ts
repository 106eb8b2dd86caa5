import { Prisma } from "../db/generated/client";
import type { Db } from "../db/client";
import { BACKLOG_AGE_BUCKETS } from "@/lib/backlog-age";

export type CrossTabCell = {
  /** The study's modalities joined with "/" (e.g. "CT", "PT/CT"), "?" when the PACS gave none. */
  modality: string;
  /** Order priority, "UNKNOWN" where the order gave none. */
  priority: string;
  /** Index into BACKLOG_AGE_BUCKETS: waiting < 1 h, 1–4 h, 4–24 h, > 24 h since it arrived. */
  age: number;
  count: number;
};

// Same expressions for the counts and for a cell's studies, so a click lists exactly what was counted.
const MODALITY = Prisma.sql`COALESCE(NULLIF(array_to_string(modalities, '/'), ''), '?')`;
const PRIORITY = Prisma.sql`COALESCE("orderPriority"::text, 'UNKNOWN')`;
/** Which of BACKLOG_AGE_BUCKETS a study's arrival falls in at `now` (0 for one that arrived after it). */
export const ageBucket = (now: Date) =>
  Prisma.sql`CASE ${Prisma.join(
    BACKLOG_AGE_BUCKETS.filter((b) => Number.isFinite(b.maxMinutes)).map(
      (b, i) => Prisma.sql`WHEN "firstSeenAt" > ${new Date(now.getTime() - b.maxMinutes * 60_000)} THEN ${i}::int`,
    ),
    " ",
  )} ELSE ${BACKLOG_AGE_BUCKETS.length - 1}::int END`;

/** Open studies (unread or claimed) counted by modality × order priority × waiting time, in SQL. */
export async function backlogCrossTab(db: Db, now: Date): Promise<CrossTabCell[]> {
  // Grouped on the raw columns first (the open-backlog index alone answers), then named: joining
  // every study's modalities into text would cost more than the count.
  const rows = await db.$queryRaw<{ modality: string; priority: string; age: number; count: bigint }[]>`
    SELECT ${MODALITY} AS modality, ${PRIORITY} AS priority, age, sum(count)::bigint AS count FROM (
      SELECT modalities, "orderPriority", ${ageBucket(now)} AS age, count(*) AS count
        FROM "Study" WHERE "readingState" <> 'READ' AND "readingState" <> 'CANCELLED' AND "firstSeenAt" <= ${now}
       GROUP BY 1, 2, 3) t
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
  return rows.map((r) => ({ modality: r.modality, priority: r.priority, age: r.age, count: Number(r.count) }));
}

export type CrossTabStudy = {
  id: string;
  accessionNumber: string | null;
  patientName: string | null;
  description: string | null;
  arrivedAt: Date;
  dueAt: Date | null;
  claimedBy: string | null;
};

/** The open studies of one cross-tab cell, soonest due first (at most `limit`). */
export async function backlogCellStudies(
  db: Db,
  now: Date,
  cell: { modality: string; priority: string; age: number },
  limit: number,
): Promise<CrossTabStudy[]> {
  return db.$queryRaw<CrossTabStudy[]>`
    SELECT s.id, s."accessionNumber", s."patientName", s.description, s."firstSeenAt" AS "arrivedAt", s."dueAt",
           CASE WHEN s."readingState" = 'CLAIMED' THEN u.name END AS "claimedBy"
      FROM "Study" s LEFT JOIN "User" u ON u.id = s."claimedById"
     WHERE s."readingState" <> 'READ' AND s."readingState" <> 'CANCELLED' AND s."firstSeenAt" <= ${now}
       AND ${MODALITY} = ${cell.modality} AND ${PRIORITY} = ${cell.priority} AND ${ageBucket(now)} = ${cell.age}
     ORDER BY s."dueAt" ASC NULLS LAST, s."firstSeenAt" ASC
     LIMIT ${limit}`;
}

import type { Db } from "../db/client";
import { NO_CHAIR_FILTERS, type ChairFilters } from "@/lib/chair-scope";
import { onlyPriorityFiltered, studyFiltersSql, type ScopeBounds } from "./chair-scope-sql";

export type SlaDay = {
  /** The department's calendar day, YYYY-MM-DD. */
  day: string;
  /** Order priority ("UNKNOWN" where the order gave none). */
  priority: string;
  read: number;
  /** Of those, read with a due time recorded, and read by it. */
  withDue: number;
  byDue: number;
};

/**
 * Reads per department day and order priority in [since, until), with how many were read by their
 * due time: the chair's SLA trend. Days are calendar days in `timeZone` (a DST day has 23 or 25
 * hours). Summed from the quarter-hour read rollup (kept in step with every read by triggers), so
 * a year costs about as much as a week; filters the rollup does not keep (modality, location,
 * source, group) count the read studies themselves.
 */
export async function slaTrend(
  db: Db,
  { since, until }: ScopeBounds,
  timeZone: string,
  filters: ChairFilters = NO_CHAIR_FILTERS,
): Promise<SlaDay[]> {
  const rows = onlyPriorityFiltered(filters)
    ? await db.$queryRaw<RawDay[]>`
        SELECT to_char((bucket AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') AS day,
               priority, sum(read) AS read, sum("withDue") AS "withDue", sum("byDue") AS "byDue"
          FROM "ReadRollup"
         WHERE bucket >= ${since} AND bucket < ${until}
           AND (${filters.priorities.length === 0} OR priority = ANY(${filters.priorities}::text[]))
         GROUP BY 1, 2 HAVING sum(read) > 0 ORDER BY 1, 2`
    : await db.$queryRaw<RawDay[]>`
        SELECT to_char((s."readAt" AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') AS day,
               COALESCE(s."orderPriority"::text, 'UNKNOWN') AS priority, count(*) AS read,
               count(s."dueAtWhenRead") AS "withDue", count(*) FILTER (WHERE s."readAt" <= s."dueAtWhenRead") AS "byDue"
          FROM "Study" s
         WHERE s."readAt" >= ${since} AND s."readAt" < ${until} AND ${studyFiltersSql(filters)}
         GROUP BY 1, 2 ORDER BY 1, 2`;
  return rows.map((r) => ({
    day: r.day,
    priority: r.priority,
    read: Number(r.read),
    withDue: Number(r.withDue),
    byDue: Number(r.byDue),
  }));
}

type RawDay = { day: string; priority: string; read: bigint; withDue: bigint; byDue: bigint };

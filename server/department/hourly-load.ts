import { Prisma } from "../db/generated/client";
import type { Db } from "../db/client";
import { hasFilters, NO_CHAIR_FILTERS, type ChairFilters } from "@/lib/chair-scope";
import { studyFiltersSql, type ScopeBounds } from "./chair-scope-sql";

export type HourCell = {
  /** ISO weekday in the department's time zone: 1 Monday … 7 Sunday. */
  weekday: number;
  /** Hour of the department's clock, 0–23 (a DST fall-back hour counts both of its passes). */
  hour: number;
  arrived: number;
  read: number;
};

/**
 * Arrivals and reads in [since, until) by weekday × hour of the department's clock, counted in
 * SQL: where arrivals outrun reads the backlog builds. A cell divided by how often its weekday
 * occurs in the range is its average day.
 *
 * Unfiltered, it sums the quarter-hour rollups of arrivals and reads (kept in step with every
 * study by triggers): every time zone's offset is a whole number of quarter hours, so each UTC
 * quarter hour lies within one hour of the department's clock, and local midnights fall on bucket
 * edges. Filtered, it counts the studies themselves.
 */
export async function hourlyLoad(
  db: Db,
  { since, until }: ScopeBounds,
  timeZone: string,
  filters: ChairFilters = NO_CHAIR_FILTERS,
): Promise<HourCell[]> {
  const events = hasFilters(filters)
    ? Prisma.sql`
      SELECT s."firstSeenAt" AS at, 1 AS arrived, 0 AS read FROM "Study" s
       WHERE s."firstSeenAt" >= ${since} AND s."firstSeenAt" < ${until} AND ${studyFiltersSql(filters)}
      UNION ALL
      SELECT s."readAt", 0, 1 FROM "Study" s
       WHERE s."readAt" >= ${since} AND s."readAt" < ${until} AND ${studyFiltersSql(filters)}`
    : Prisma.sql`
      SELECT bucket AS at, arrived, 0 AS read FROM "ArrivalRollup" WHERE bucket >= ${since} AND bucket < ${until}
      UNION ALL
      SELECT bucket, 0, read FROM "ReadRollup" WHERE bucket >= ${since} AND bucket < ${until}`;
  const rows = await db.$queryRaw<{ weekday: number; hour: number; arrived: bigint; read: bigint }[]>`
    SELECT extract(isodow FROM (at AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone})::int AS weekday,
           extract(hour FROM (at AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone})::int AS hour,
           sum(arrived) AS arrived, sum(read) AS read
      FROM (${events}) e GROUP BY 1, 2 HAVING sum(arrived) <> 0 OR sum(read) <> 0 ORDER BY 1, 2`;
  return rows.map((r) => ({ weekday: r.weekday, hour: r.hour, arrived: Number(r.arrived), read: Number(r.read) }));
}

import type { Db } from "../db/client";

export type HourCell = {
  /** ISO weekday in the department's time zone: 1 Monday … 7 Sunday. */
  weekday: number;
  /** Hour of the department's clock, 0–23 (a DST fall-back hour counts both of its passes). */
  hour: number;
  arrived: number;
  read: number;
};

/**
 * Arrivals and reads by weekday × hour of the department's clock over the last `weeks` whole weeks of
 * days (today included), counted in SQL: where arrivals outrun reads the backlog builds. Each weekday
 * occurs `weeks` times in the range, so a cell divided by `weeks` is its average day.
 *
 * Summed from the quarter-hour rollups of arrivals and reads (kept in step with every study by
 * triggers): every time zone's offset is a whole number of quarter hours, so each UTC quarter
 * hour lies within one hour of the department's clock, and local midnights fall on bucket edges.
 */
export async function hourlyLoad(db: Db, now: Date, weeks: number, timeZone: string): Promise<HourCell[]> {
  const rows = await db.$queryRaw<{ weekday: number; hour: number; arrived: bigint; read: bigint }[]>`
    WITH bounds AS (
      -- Local midnight \`weeks × 7 − 1\` days before today, as a UTC timestamp like the buckets.
      SELECT (((date_trunc('day', ${now}::timestamptz AT TIME ZONE ${timeZone}) - make_interval(days => ${weeks * 7 - 1}::int))
               AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC') AS since
    ), buckets AS (
      SELECT bucket, arrived, 0 AS read FROM "ArrivalRollup", bounds
       WHERE bucket >= bounds.since AND bucket <= ${now}
      UNION ALL
      SELECT bucket, 0, read FROM "ReadRollup", bounds
       WHERE bucket >= bounds.since AND bucket <= ${now}
    )
    SELECT extract(isodow FROM (bucket AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone})::int AS weekday,
           extract(hour FROM (bucket AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone})::int AS hour,
           sum(arrived) AS arrived, sum(read) AS read
      FROM buckets GROUP BY 1, 2 HAVING sum(arrived) <> 0 OR sum(read) <> 0 ORDER BY 1, 2`;
  return rows.map((r) => ({ weekday: r.weekday, hour: r.hour, arrived: Number(r.arrived), read: Number(r.read) }));
}

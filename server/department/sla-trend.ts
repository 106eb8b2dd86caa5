import type { Db } from "../db/client";

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
 * Reads per department day and order priority, with how many were read by their due time:
 * the chair's SLA trend. Days are calendar days in `timeZone` (a DST day has 23 or 25 hours);
 * `days` whole days back from the day of `now`. Summed in SQL from the quarter-hour read rollup
 * (kept in step with every read by triggers), so a year costs about as much as a week.
 */
export async function slaTrend(db: Db, now: Date, days: number, timeZone: string): Promise<SlaDay[]> {
  const rows = await db.$queryRaw<{ day: string; priority: string; read: bigint; withDue: bigint; byDue: bigint }[]>`
    WITH bounds AS (
      -- Local midnight \`days - 1\` days before today, as a UTC timestamp like the buckets.
      SELECT (((date_trunc('day', ${now}::timestamptz AT TIME ZONE ${timeZone}) - make_interval(days => ${days - 1}::int))
               AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC') AS since
    )
    SELECT to_char((bucket AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') AS day,
           priority, sum(read) AS read, sum("withDue") AS "withDue", sum("byDue") AS "byDue"
    FROM "ReadRollup", bounds
    WHERE bucket >= bounds.since AND bucket <= ${now}
    GROUP BY 1, 2 HAVING sum(read) > 0 ORDER BY 1, 2`;
  return rows.map((r) => ({
    day: r.day,
    priority: r.priority,
    read: Number(r.read),
    withDue: Number(r.withDue),
    byDue: Number(r.byDue),
  }));
}

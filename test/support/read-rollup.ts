import { testDb } from "./db";

export type RollupRow = { bucket: Date; priority: string; read: number; withDue: number; byDue: number };

/** The quarter-hour read rollup as stored (rows a change brought back to zero left out) … */
export const storedRollup = () =>
  testDb().$queryRaw<RollupRow[]>`
    SELECT bucket, priority, read, "withDue", "byDue" FROM "ReadRollup"
     WHERE read <> 0 OR "withDue" <> 0 OR "byDue" <> 0 ORDER BY 1, 2`;

/** … and recomputed from every read study, as the triggers should have kept it. */
export const recomputedRollup = () =>
  testDb().$queryRaw<RollupRow[]>`
    SELECT date_bin('15 minutes', "readAt", TIMESTAMP '2000-01-01') AS bucket,
           COALESCE("orderPriority"::text, 'UNKNOWN') AS priority, count(*)::int AS read,
           count("dueAtWhenRead")::int AS "withDue", (count(*) FILTER (WHERE "readAt" <= "dueAtWhenRead"))::int AS "byDue"
      FROM "Study" WHERE "readAt" IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`;

export type ArrivalRow = { bucket: Date; arrived: number };

/** The quarter-hour arrival rollup as stored (buckets brought back to zero left out) … */
export const storedArrivals = () =>
  testDb().$queryRaw<ArrivalRow[]>`SELECT bucket, arrived FROM "ArrivalRollup" WHERE arrived <> 0 ORDER BY 1`;

/** … and recomputed from every study's arrival time. */
export const recomputedArrivals = () =>
  testDb().$queryRaw<ArrivalRow[]>`
    SELECT date_bin('15 minutes', "firstSeenAt", TIMESTAMP '2000-01-01') AS bucket, count(*)::int AS arrived
      FROM "Study" GROUP BY 1 ORDER BY 1`;

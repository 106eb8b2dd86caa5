-- Arrival → first AI verdict, as a Prometheus histogram kept in the database: one row per bucket
-- (its upper bound in seconds; 'Infinity' for the last), counted in the transaction that stores
-- the verdict, so every web process's /metrics reports the same cumulative figures.
CREATE TABLE "VerdictLagBucket" (
    "upperSeconds" DOUBLE PRECISION NOT NULL,
    "verdicts" INTEGER NOT NULL DEFAULT 0,
    "sumSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "VerdictLagBucket_pkey" PRIMARY KEY ("upperSeconds")
);

-- The verdicts so far, under the bounds of lib/ops/verdict-lag.ts (VERDICT_LAG_BOUNDS).
INSERT INTO "VerdictLagBucket" ("upperSeconds", "verdicts", "sumSeconds")
SELECT b."upperSeconds", count(*), sum(l.lag)
  FROM (SELECT extract(epoch FROM "scoredAt" - "firstSeenAt")::float8 AS lag FROM "Study"
         WHERE "scoredAt" IS NOT NULL AND "aiStatus" IN ('critical', 'urgent', 'negative', 'unavailable')) l
  CROSS JOIN LATERAL (
    SELECT min(bound) AS "upperSeconds"
      FROM unnest(ARRAY[1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, 'Infinity']::float8[]) bound
     WHERE bound >= l.lag) b
 GROUP BY b."upperSeconds";

-- The chair's turnaround percentiles over long ranges (a year of a large department is a million
-- reads: sorting them all takes seconds). Per department day and per department month, per order
-- priority × patient location × AI-critical, each turnaround stage's durations counted in
-- logarithmic buckets: a bucket's upper edge is 1.04 × its lower one, so the middle of a bucket is
-- within 2% of every duration in it (bucket 0 holds everything under 0.1 min). Percentiles summed
-- from these rows are within 2% (or 3 s) of the exact ones; lib/duration-histogram.ts reads them.
-- Kept in step with "Study" by triggers, in the same transaction as the change that causes them.
CREATE TABLE "TurnaroundRollup" (
    "span" TEXT NOT NULL,             -- 'd': "period" is a department day; 'm': the first day of a month
    "period" DATE NOT NULL,
    "priority" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "critical" BOOLEAN NOT NULL,
    "stage" INTEGER NOT NULL,         -- 1 waiting (arrival → claim), 2 reading (claim → read), 3 total (arrival → read)
    "bucket" INTEGER NOT NULL,
    "n" INTEGER NOT NULL,
    CONSTRAINT "TurnaroundRollup_pkey" PRIMARY KEY ("span", "period", "priority", "location", "critical", "stage", "bucket")
);
-- The same with the count: the chair's query reads this index alone (a month of days is ~100k rows).
CREATE INDEX "TurnaroundRollup_counts_idx" ON "TurnaroundRollup"("span", "period", "priority", "location", "critical", "stage", "bucket", "n");

-- The department's time zone the rollup's days are counted in (one row). The workers rebuild the
-- rollup when DEPARTMENT_TIME_ZONE differs; until then the chair's figures are computed exactly.
CREATE TABLE "TurnaroundRollupZone" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "zone" TEXT NOT NULL,
    CONSTRAINT "TurnaroundRollupZone_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "TurnaroundRollupZone_one_row" CHECK ("id" = 1)
);
INSERT INTO "TurnaroundRollupZone" ("zone") VALUES ('UTC');

-- The zone in force; UTC when the row is missing (an emptied database).
CREATE FUNCTION "turnaround_zone"() RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT COALESCE((SELECT "zone" FROM "TurnaroundRollupZone" WHERE "id" = 1), 'UTC')
$$;

-- Minutes to bucket: 0 below 0.1 min, else the smallest b with minutes ≤ 0.1 × 1.04^b.
CREATE FUNCTION "turnaround_bucket"(minutes DOUBLE PRECISION) RETURNS INTEGER
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN minutes < 0.1 THEN 0 ELSE LEAST(ceil(ln(minutes / 0.1) / ln(1.04)), 32000) END::integer
$$;

-- One study's durations, as (stage, bucket) rows; NULL durations (never claimed) are left out.
CREATE FUNCTION "turnaround_stages"(seen TIMESTAMP(3), claimed TIMESTAMP(3), read TIMESTAMP(3))
RETURNS TABLE (stage INTEGER, bucket INTEGER) LANGUAGE sql IMMUTABLE AS $$
  SELECT s.stage, "turnaround_bucket"(s.minutes) FROM (VALUES
    (1, date_part('epoch', claimed - seen) / 60),
    (2, date_part('epoch', read - claimed) / 60),
    (3, date_part('epoch', read - seen) / 60)) s(stage, minutes)
  WHERE s.minutes IS NOT NULL
$$;

-- Adds `sign` (1 or -1) of one read study to its day's and month's rows.
CREATE FUNCTION "turnaround_rollup_add"(seen TIMESTAMP(3), claimed TIMESTAMP(3), read TIMESTAMP(3),
                                         prio TEXT, loc TEXT, crit BOOLEAN, sign INTEGER) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "TurnaroundRollup" AS r ("span", "period", "priority", "location", "critical", "stage", "bucket", "n")
  SELECT sp.span, CASE sp.span WHEN 'd' THEN d.day ELSE date_trunc('month', d.day)::date END,
         COALESCE(prio, 'UNKNOWN'), loc, crit, t.stage, t.bucket, sign
    FROM (SELECT ((read AT TIME ZONE 'UTC') AT TIME ZONE "turnaround_zone"())::date AS day) d
   CROSS JOIN "turnaround_stages"(seen, claimed, read) t
   CROSS JOIN (VALUES ('d'), ('m')) sp(span)
  ON CONFLICT ("span", "period", "priority", "location", "critical", "stage", "bucket") DO UPDATE SET "n" = r."n" + EXCLUDED."n"
$$;

-- Rows of read studies (a transition table or "Study"), grouped, added with `sign`.
CREATE FUNCTION "turnaround_rollup_insert_sql"(source TEXT, sign INTEGER) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT format($q$
  INSERT INTO "TurnaroundRollup" AS r ("span", "period", "priority", "location", "critical", "stage", "bucket", "n")
  SELECT sp.span, CASE sp.span WHEN 'd' THEN x.day ELSE date_trunc('month', x.day)::date END,
         x.prio, x.loc, x.crit, x.stage, x.bucket, %s * count(*)
    FROM (SELECT ((s."readAt" AT TIME ZONE 'UTC') AT TIME ZONE "turnaround_zone"())::date AS day,
                 COALESCE(s."orderPriority"::text, 'UNKNOWN') AS prio, s."patientLocation"::text AS loc,
                 s."aiStatus" IS NOT DISTINCT FROM 'critical' AS crit, t.stage, t.bucket
            FROM %s s
           CROSS JOIN LATERAL "turnaround_stages"(s."firstSeenAt", s."claimedAt", s."readAt") t
           WHERE s."readAt" IS NOT NULL) x
   CROSS JOIN (VALUES ('d'), ('m')) sp(span)
   GROUP BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT ("span", "period", "priority", "location", "critical", "stage", "bucket") DO UPDATE SET "n" = r."n" + EXCLUDED."n"
  $q$, sign, source)
$$;

CREATE FUNCTION "turnaround_rollup_on_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE "turnaround_rollup_insert_sql"('inserted', 1);
  RETURN NULL;
END $$;

CREATE FUNCTION "turnaround_rollup_on_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE "turnaround_rollup_insert_sql"('deleted', -1);
  RETURN NULL;
END $$;

-- Mark read, a read undone, or a read study's times, class or AI verdict corrected: one row at a
-- time, the old row out and the new one in (two statements: they may touch the same rows).
CREATE FUNCTION "turnaround_rollup_on_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."readAt" IS NOT NULL THEN
    PERFORM "turnaround_rollup_add"(OLD."firstSeenAt", OLD."claimedAt", OLD."readAt", OLD."orderPriority"::text,
      OLD."patientLocation"::text, OLD."aiStatus" IS NOT DISTINCT FROM 'critical', -1);
  END IF;
  IF NEW."readAt" IS NOT NULL THEN
    PERFORM "turnaround_rollup_add"(NEW."firstSeenAt", NEW."claimedAt", NEW."readAt", NEW."orderPriority"::text,
      NEW."patientLocation"::text, NEW."aiStatus" IS NOT DISTINCT FROM 'critical', 1);
  END IF;
  RETURN NULL;
END $$;

-- Only when a read study's counted columns really change: claims and priority refreshes of open
-- studies never pay for it.
CREATE TRIGGER "Study_turnaround_rollup_update"
  AFTER UPDATE OF "readAt", "claimedAt", "firstSeenAt", "orderPriority", "patientLocation", "aiStatus" ON "Study"
  FOR EACH ROW WHEN (
    OLD."readAt" IS DISTINCT FROM NEW."readAt"
    OR (NEW."readAt" IS NOT NULL AND (OLD."claimedAt" IS DISTINCT FROM NEW."claimedAt"
        OR OLD."firstSeenAt" IS DISTINCT FROM NEW."firstSeenAt"
        OR OLD."orderPriority" IS DISTINCT FROM NEW."orderPriority"
        OR OLD."patientLocation" IS DISTINCT FROM NEW."patientLocation"
        OR (OLD."aiStatus" IS NOT DISTINCT FROM 'critical') <> (NEW."aiStatus" IS NOT DISTINCT FROM 'critical'))))
  EXECUTE FUNCTION "turnaround_rollup_on_update"();
CREATE TRIGGER "Study_turnaround_rollup_insert" AFTER INSERT ON "Study"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "turnaround_rollup_on_insert"();
CREATE TRIGGER "Study_turnaround_rollup_delete" AFTER DELETE ON "Study"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "turnaround_rollup_on_delete"();

-- Counts every read study again in `zone` (a changed DEPARTMENT_TIME_ZONE, or a check). Writers wait
-- for it; returns whether it rebuilt. `force` rebuilds in the same zone.
CREATE FUNCTION "turnaround_rollup_rebuild"(new_zone TEXT, force BOOLEAN DEFAULT false) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM now() AT TIME ZONE new_zone; -- an unknown zone fails here, before anything changes
  -- Every worker asks at start: when nothing changed, answer without taking a lock Mark read would wait on.
  IF NOT force AND "turnaround_zone"() = new_zone THEN
    RETURN false;
  END IF;
  LOCK TABLE "TurnaroundRollup" IN EXCLUSIVE MODE;
  LOCK TABLE "TurnaroundRollupZone" IN EXCLUSIVE MODE;
  -- Again under the lock: another worker may have recounted meanwhile.
  IF NOT force AND "turnaround_zone"() = new_zone THEN
    RETURN false;
  END IF;
  INSERT INTO "TurnaroundRollupZone" ("id", "zone") VALUES (1, new_zone)
    ON CONFLICT ("id") DO UPDATE SET "zone" = EXCLUDED."zone";
  DELETE FROM "TurnaroundRollup";
  EXECUTE "turnaround_rollup_insert_sql"('"Study"', 1);
  RETURN true;
END $$;

-- The reads already there.
SELECT "turnaround_rollup_rebuild"('UTC', true);

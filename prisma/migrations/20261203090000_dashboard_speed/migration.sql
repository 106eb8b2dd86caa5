-- The chair's and scheduler's figures over a large history (npm run bench -- dashboard).

-- Read studies' turnaround columns in the read-time index, so the chair's figures read the index
-- alone and never the wide study rows. Read studies seldom change, so it costs little to keep.
DROP INDEX "Study_readAt_idx";
CREATE INDEX "Study_readAt_idx" ON "Study"("readAt", "firstSeenAt", "claimedAt", "dueAtWhenRead", "orderPriority", "patientLocation", "aiStatus") WHERE "readAt" IS NOT NULL;

-- The open backlog by arrival, with what the scheduler's tiles and cross-tab count by: the size of
-- the backlog, however many read studies pile up behind it.
CREATE INDEX "Study_open_backlog_idx" ON "Study"("firstSeenAt", "orderPriority", "modalities") WHERE "readingState" <> 'READ';

-- The open studies in due order, with the pin columns: a walk that skips the pinned ones (the
-- backlog forecast's ranking, the worklist's due part) reads the index alone, in its order.
DROP INDEX "Study_dueAt_firstSeenAt_id_idx";
CREATE INDEX "Study_dueAt_firstSeenAt_id_idx" ON "Study"("dueAt", "firstSeenAt", "id", "pinnedAt", "capAt") WHERE "dueAt" IS NOT NULL;

-- Arrivals per quarter hour (UTC), as "ReadRollup" holds reads: the chair's heat map of when the
-- work comes sums these rows. Kept in step with "Study" by triggers, in the changing transaction.
CREATE TABLE "ArrivalRollup" (
    "bucket" TIMESTAMP(3) NOT NULL,
    "arrived" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "ArrivalRollup_pkey" PRIMARY KEY ("bucket")
);

-- Studies inserted (ingest, history loads): one grouped upsert per statement.
CREATE FUNCTION "arrival_rollup_on_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ArrivalRollup" AS r ("bucket", "arrived")
  SELECT date_bin('15 minutes', "firstSeenAt", TIMESTAMP '2000-01-01'), count(*) FROM inserted GROUP BY 1
  ON CONFLICT ("bucket") DO UPDATE SET "arrived" = r."arrived" + EXCLUDED."arrived";
  RETURN NULL;
END $$;

CREATE FUNCTION "arrival_rollup_on_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ArrivalRollup" AS r ("bucket", "arrived")
  SELECT date_bin('15 minutes', "firstSeenAt", TIMESTAMP '2000-01-01'), -count(*) FROM deleted GROUP BY 1
  ON CONFLICT ("bucket") DO UPDATE SET "arrived" = r."arrived" + EXCLUDED."arrived";
  RETURN NULL;
END $$;

-- An arrival time corrected (imports, tests): moves the study between buckets.
CREATE FUNCTION "arrival_rollup_on_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Two statements: one upsert may not touch the same bucket twice.
  INSERT INTO "ArrivalRollup" AS r ("bucket", "arrived")
  VALUES (date_bin('15 minutes', OLD."firstSeenAt", TIMESTAMP '2000-01-01'), -1)
  ON CONFLICT ("bucket") DO UPDATE SET "arrived" = r."arrived" + EXCLUDED."arrived";
  INSERT INTO "ArrivalRollup" AS r ("bucket", "arrived")
  VALUES (date_bin('15 minutes', NEW."firstSeenAt", TIMESTAMP '2000-01-01'), 1)
  ON CONFLICT ("bucket") DO UPDATE SET "arrived" = r."arrived" + EXCLUDED."arrived";
  RETURN NULL;
END $$;

CREATE TRIGGER "Study_arrival_rollup_insert" AFTER INSERT ON "Study"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "arrival_rollup_on_insert"();
CREATE TRIGGER "Study_arrival_rollup_delete" AFTER DELETE ON "Study"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "arrival_rollup_on_delete"();
CREATE TRIGGER "Study_arrival_rollup_update" AFTER UPDATE OF "firstSeenAt" ON "Study"
  FOR EACH ROW WHEN (OLD."firstSeenAt" IS DISTINCT FROM NEW."firstSeenAt")
  EXECUTE FUNCTION "arrival_rollup_on_update"();

-- The arrivals already there.
INSERT INTO "ArrivalRollup" ("bucket", "arrived")
SELECT date_bin('15 minutes', "firstSeenAt", TIMESTAMP '2000-01-01'), count(*) FROM "Study" GROUP BY 1;

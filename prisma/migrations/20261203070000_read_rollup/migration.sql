-- Reads per quarter hour (UTC) and order priority, with how many had a due time and were read by it:
-- the chair's SLA trend sums a few thousand of these rows instead of every read study in its range.
-- Quarter hours, because every time zone's midnight falls on one, so department days stay exact.
-- Kept in step with "Study" by triggers, in the same transaction as the change that causes them.
CREATE TABLE "ReadRollup" (
    "bucket" TIMESTAMP(3) NOT NULL,
    "priority" TEXT NOT NULL,
    "read" INTEGER NOT NULL DEFAULT 0,
    "withDue" INTEGER NOT NULL DEFAULT 0,
    "byDue" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "ReadRollup_pkey" PRIMARY KEY ("bucket", "priority")
);

-- Adds `sign` (1 or -1) reads at `at` to the rollup.
CREATE FUNCTION "read_rollup_bump"(at TIMESTAMP(3), prio TEXT, due TIMESTAMP(3), sign INTEGER) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "ReadRollup" AS r ("bucket", "priority", "read", "withDue", "byDue")
  VALUES (date_bin('15 minutes', at, TIMESTAMP '2000-01-01'), COALESCE(prio, 'UNKNOWN'), sign,
          CASE WHEN due IS NOT NULL THEN sign ELSE 0 END, CASE WHEN at <= due THEN sign ELSE 0 END)
  ON CONFLICT ("bucket", "priority") DO UPDATE
    SET "read" = r."read" + EXCLUDED."read", "withDue" = r."withDue" + EXCLUDED."withDue",
        "byDue" = r."byDue" + EXCLUDED."byDue"
$$;

-- Mark read, a read undone, or a read study's priority or due time corrected: one row at a time.
CREATE FUNCTION "read_rollup_on_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."readAt" IS NOT NULL THEN
    PERFORM "read_rollup_bump"(OLD."readAt", OLD."orderPriority"::text, OLD."dueAtWhenRead", -1);
  END IF;
  IF NEW."readAt" IS NOT NULL THEN
    PERFORM "read_rollup_bump"(NEW."readAt", NEW."orderPriority"::text, NEW."dueAtWhenRead", 1);
  END IF;
  RETURN NULL;
END $$;

-- Studies inserted already read (history loads, imports): one grouped upsert per statement.
CREATE FUNCTION "read_rollup_on_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ReadRollup" AS r ("bucket", "priority", "read", "withDue", "byDue")
  SELECT date_bin('15 minutes', "readAt", TIMESTAMP '2000-01-01'), COALESCE("orderPriority"::text, 'UNKNOWN'),
         count(*), count("dueAtWhenRead"), count(*) FILTER (WHERE "readAt" <= "dueAtWhenRead")
    FROM inserted WHERE "readAt" IS NOT NULL GROUP BY 1, 2
  ON CONFLICT ("bucket", "priority") DO UPDATE
    SET "read" = r."read" + EXCLUDED."read", "withDue" = r."withDue" + EXCLUDED."withDue",
        "byDue" = r."byDue" + EXCLUDED."byDue";
  RETURN NULL;
END $$;

CREATE FUNCTION "read_rollup_on_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ReadRollup" AS r ("bucket", "priority", "read", "withDue", "byDue")
  SELECT date_bin('15 minutes', "readAt", TIMESTAMP '2000-01-01'), COALESCE("orderPriority"::text, 'UNKNOWN'),
         -count(*), -count("dueAtWhenRead"), -count(*) FILTER (WHERE "readAt" <= "dueAtWhenRead")
    FROM deleted WHERE "readAt" IS NOT NULL GROUP BY 1, 2
  ON CONFLICT ("bucket", "priority") DO UPDATE
    SET "read" = r."read" + EXCLUDED."read", "withDue" = r."withDue" + EXCLUDED."withDue",
        "byDue" = r."byDue" + EXCLUDED."byDue";
  RETURN NULL;
END $$;

-- Only changes to these three columns fire it, and only when one really changed: a claim or a
-- priority refresh never pays for it.
CREATE TRIGGER "Study_read_rollup_update" AFTER UPDATE OF "readAt", "dueAtWhenRead", "orderPriority" ON "Study"
  FOR EACH ROW WHEN (
    OLD."readAt" IS DISTINCT FROM NEW."readAt"
    OR (NEW."readAt" IS NOT NULL AND (OLD."dueAtWhenRead" IS DISTINCT FROM NEW."dueAtWhenRead"
                                      OR OLD."orderPriority" IS DISTINCT FROM NEW."orderPriority")))
  EXECUTE FUNCTION "read_rollup_on_update"();
CREATE TRIGGER "Study_read_rollup_insert" AFTER INSERT ON "Study"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "read_rollup_on_insert"();
CREATE TRIGGER "Study_read_rollup_delete" AFTER DELETE ON "Study"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "read_rollup_on_delete"();

-- The reads already there.
INSERT INTO "ReadRollup" ("bucket", "priority", "read", "withDue", "byDue")
SELECT date_bin('15 minutes', "readAt", TIMESTAMP '2000-01-01'), COALESCE("orderPriority"::text, 'UNKNOWN'),
       count(*), count("dueAtWhenRead"), count(*) FILTER (WHERE "readAt" <= "dueAtWhenRead")
  FROM "Study" WHERE "readAt" IS NOT NULL GROUP BY 1, 2;

-- Pinned and capped studies are read in index order too (worklist-query.ts), so a page
-- no longer sorts every pinned study; "AI flagged only" gets its own partial index.
DROP INDEX "Study_pinnedAt_idx";
DROP INDEX "Study_capAt_idx";
DROP INDEX "Study_aiStatus_idx";

CREATE INDEX "Study_pinnedAt_dueAt_firstSeenAt_id_idx" ON "Study"("pinnedAt", "dueAt", "firstSeenAt", "id");
CREATE INDEX "Study_capAt_dueAt_firstSeenAt_id_idx" ON "Study"("capAt", "dueAt", "firstSeenAt", "id");
CREATE INDEX "Study_flagged_unpinned_due_idx" ON "Study"("dueAt", "firstSeenAt", "id")
  WHERE "aiStatus" IN ('critical', 'urgent') AND "dueAt" IS NOT NULL AND "pinnedAt" IS NULL;

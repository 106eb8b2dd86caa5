-- Read studies leave the ordering columns, so index scans over them see open studies only.
UPDATE "Study" SET "dueAt" = NULL, "pinnedAt" = NULL, "capAt" = NULL WHERE "readingState" = 'READ';

-- DropIndex
DROP INDEX "Study_readingState_pinnedAt_dueAt_idx";

-- CreateIndex
CREATE INDEX "Study_dueAt_firstSeenAt_id_idx" ON "Study"("dueAt", "firstSeenAt", "id");

-- CreateIndex
CREATE INDEX "Study_pinnedAt_idx" ON "Study"("pinnedAt");

-- CreateIndex
CREATE INDEX "Study_capAt_idx" ON "Study"("capAt");

-- CreateIndex
CREATE INDEX "Study_aiStatus_idx" ON "Study"("aiStatus");

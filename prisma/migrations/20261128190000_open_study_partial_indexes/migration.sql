-- The worklist's ordering indexes hold open studies only (read ones have these columns NULL),
-- and the readAt index read studies only: each stays the size of what it serves as years of
-- read studies pile up, and claiming or reading a study writes fewer index entries.
DROP INDEX "Study_dueAt_firstSeenAt_id_idx";
CREATE INDEX "Study_dueAt_firstSeenAt_id_idx" ON "Study"("dueAt", "firstSeenAt", "id") WHERE "dueAt" IS NOT NULL;

DROP INDEX "Study_pinnedAt_dueAt_firstSeenAt_id_idx";
CREATE INDEX "Study_pinnedAt_dueAt_firstSeenAt_id_idx" ON "Study"("pinnedAt", "dueAt", "firstSeenAt", "id") WHERE "pinnedAt" IS NOT NULL;

DROP INDEX "Study_capAt_dueAt_firstSeenAt_id_idx";
CREATE INDEX "Study_capAt_dueAt_firstSeenAt_id_idx" ON "Study"("capAt", "dueAt", "firstSeenAt", "id") WHERE "capAt" IS NOT NULL;

DROP INDEX "Study_readAt_idx";
CREATE INDEX "Study_readAt_idx" ON "Study"("readAt") WHERE "readAt" IS NOT NULL;

-- STAT and AI-critical open studies of each reading group in due order: the walk Next case
-- makes for an overflowing group's urgent studies (a group only trainees cover on a shift)
-- reads them directly instead of stepping over the group's routine backlog.
CREATE INDEX "Study_group_urgent_due_idx" ON "Study"("routedGroup", "dueAt", "firstSeenAt", "id") WHERE "dueAt" IS NOT NULL AND ("orderPriority" = 'STAT' OR "aiStatus" = 'critical');

-- "Does this reader hold a case?" is asked by every Next case. claimedById stays on read
-- studies (who claimed them), so the full index grew with each reader's history and the
-- question walked all of it; this one holds open claims only.
DROP INDEX "Study_claimedById_idx";
CREATE INDEX "Study_claimedById_claimed_idx" ON "Study"("claimedById") WHERE "readingState" = 'CLAIMED';

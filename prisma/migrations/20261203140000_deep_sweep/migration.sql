-- When a source's last deep sweep (back `backfillDays`, every DEEP_SWEEP_HOURS) succeeded; NULL: the next sweep is one.
ALTER TABLE "PacsSource" ADD COLUMN "lastDeepSweepAt" TIMESTAMP(3);

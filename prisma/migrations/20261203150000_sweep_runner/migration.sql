-- Which pg-boss job and which worker (WorkerHeartbeat.id) run a source's sweep now: a sweep whose
-- worker stops sending heartbeats is failed at once (and retried) instead of at its 30-min expiry.
ALTER TABLE "PacsSource" ADD COLUMN "sweepJobId" TEXT;
ALTER TABLE "PacsSource" ADD COLUMN "sweepWorkerId" TEXT;

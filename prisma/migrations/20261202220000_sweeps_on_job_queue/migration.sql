-- Source sweeps run as pg-boss jobs (server/jobs): retries and backoff live in the job queue.
ALTER TABLE "PacsSource" DROP COLUMN "nextAttemptAt";

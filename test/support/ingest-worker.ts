import type { Db } from "@/server/db/client";
import { env } from "@/server/env";
import { startIngestJobs } from "@/server/jobs";
import { startJobQueue } from "@/server/jobs/queue";

/** The ingest half of a worker process (sweep jobs on pg-boss + the source-watch loop), in this process. */
export async function startIngestWorker(db: Db, options: { tickMs?: number } = {}) {
  const boss = await startJobQueue(env().DATABASE_URL!, { maintenanceSeconds: 3600 });
  const ingest = await startIngestJobs(db, boss, { tickMs: options.tickMs ?? 200 });
  return {
    boss,
    async stop() {
      await ingest.stop();
      await boss.stop({ graceful: true, wait: true, timeout: 15_000 });
    },
  };
}

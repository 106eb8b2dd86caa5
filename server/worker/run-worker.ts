import { createDb } from "../db/client";
import { env } from "../env";
import { log } from "../log";
import { startIngestLoop } from "../ingest/ingest-loop";
import { refreshAllOpenPriorities } from "../worklist/refresh-priority";

/**
 * A worker process: keeps PACS sources in sync (change feeds and periodic sweeps).
 * Any number may run against one database. Stops cleanly on SIGTERM / SIGINT.
 */
export async function runWorker(): Promise<void> {
  const { DATABASE_URL, INGEST_TICK_MS } = env();
  if (!DATABASE_URL) throw new Error("The worker needs DATABASE_URL (npm start provides one to the workers it starts).");
  const db = createDb(DATABASE_URL);
  // Due times follow the current SLA table, including changes made while no worker ran.
  const refreshed = await refreshAllOpenPriorities(db);
  log.info({ studies: refreshed }, "priorities refreshed");
  const ingest = startIngestLoop(db, { tickMs: INGEST_TICK_MS });
  log.info({ pid: process.pid }, "worker started");
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await ingest.stop();
  await db.$disconnect();
  log.info({ pid: process.pid }, "worker stopped");
}

import { createDb } from "../db/client";
import { env } from "../env";
import { log } from "../log";
import { startBackgroundWork } from "../jobs";
import { surviveDatabaseOutages } from "./survive-database-outage";
import { sealSourceSecrets } from "../pacs/source-secrets";

/**
 * A worker process: runs ReadNext's background work (server/jobs: PACS sweeps and change
 * feeds, scoring, webhooks, priority refresh). Any number may run against one database.
 * Stops cleanly on SIGTERM / SIGINT.
 */
export async function runWorker(): Promise<void> {
  const { DATABASE_URL } = env();
  if (!DATABASE_URL)
    throw new Error("The worker needs DATABASE_URL (npm start provides one to the workers it starts).");
  surviveDatabaseOutages();
  const db = createDb(DATABASE_URL);
  // A missing or wrong SECRETS_KEY stops the worker here, with the source named, not at each sweep.
  await sealSourceSecrets(db);
  const work = await startBackgroundWork(db, DATABASE_URL);
  log.info({ pid: process.pid }, "worker started");
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await work.stop();
  await db.$disconnect();
  log.info({ pid: process.pid }, "worker stopped");
}

import { createDb, type Db } from "../db/client";
import { env } from "../env";
import { log } from "../log";
import { listenToChannels } from "../db/listen";
import { startIngestLoop } from "../ingest/ingest-loop";
import { refreshAllOpenPriorities } from "../worklist/refresh-priority";
import { getPriorityConfig, SETTINGS_CHANNEL } from "../core/settings";
import { startScoring } from "../scoring/scoring-worker";
import { startWorkerHeartbeat } from "./heartbeat";

/**
 * Recomputes open studies' due times when an admin saves the SLA table or the cap (a NOTIFY
 * on SETTINGS_CHANNEL, sent on commit), and once after each reconnect of the listener, which
 * may have missed one. Several workers may do it at once; the result is the same.
 */
function followPrioritySettings(db: Db, databaseUrl: string): { stop(): void } {
  let queue = Promise.resolve();
  let connects = 0;
  const refresh = (why: string) => {
    queue = queue
      .then(async () => {
        const n = await refreshAllOpenPriorities(db, await getPriorityConfig(db, { fresh: true }));
        log.info({ studies: n, why }, "priorities recomputed after a settings change");
      })
      .catch((e: Error) => log.warn({ err: e.message }, "priority refresh failed"));
  };
  return listenToChannels(
    databaseUrl,
    [SETTINGS_CHANNEL],
    (_channel, key) => key === "priority" && refresh("saved"),
    "readnext-worker-settings",
    () => connects++ > 0 && refresh("listener reconnected"),
  );
}

/**
 * A worker process: keeps PACS sources in sync (change feeds and periodic sweeps) and
 * scores new study revisions with the ONNX models (server/scoring). Any number may run
 * against one database. Stops cleanly on SIGTERM / SIGINT.
 */
export async function runWorker(): Promise<void> {
  const { DATABASE_URL, INGEST_TICK_MS } = env();
  if (!DATABASE_URL)
    throw new Error("The worker needs DATABASE_URL (npm start provides one to the workers it starts).");
  const db = createDb(DATABASE_URL);
  // Due times follow the current SLA table, including changes made while no worker ran.
  const refreshed = await refreshAllOpenPriorities(db);
  log.info({ studies: refreshed }, "priorities refreshed");
  const scoring = await startScoring(db, DATABASE_URL);
  const ingest = startIngestLoop(db, { tickMs: INGEST_TICK_MS });
  const priorities = followPrioritySettings(db, DATABASE_URL);
  const heartbeat = await startWorkerHeartbeat(db, {
    concurrency: env().SCORING_CONCURRENCY,
    models: scoring.registry.loaded.map((m) => `${m.manifest.id} ${m.manifest.version}`),
  });
  log.info({ pid: process.pid }, "worker started");
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await heartbeat.stop();
  await ingest.stop();
  await scoring.stop();
  priorities.stop();
  await db.$disconnect();
  log.info({ pid: process.pid }, "worker stopped");
}

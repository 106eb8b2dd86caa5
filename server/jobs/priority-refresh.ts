import type { Db } from "../db/client";
import { log } from "../log";
import { repeatedFailureLog } from "../repeated-failure-log";
import { listenToChannels } from "../db/listen";
import { refreshAllOpenPriorities } from "../worklist/refresh-priority";
import { getPriorityConfig, getRoutingConfig, SETTINGS_CHANNEL } from "../core/settings";

/**
 * Recomputes open studies' due times and reading groups when an admin saves the SLA table, the cap or the routing rules (a NOTIFY
 * on SETTINGS_CHANNEL, sent on commit), and once after each reconnect of the listener, which
 * may have missed one. Several workers may do it at once; the result is the same.
 */
export function followPrioritySettings(db: Db, databaseUrl: string): { stop(): void; ready: Promise<void> } {
  let queue = Promise.resolve();
  let connects = 0;
  const failures = repeatedFailureLog("priority refresh");
  const refresh = (why: string) => {
    queue = queue
      .then(async () => {
        const n = await refreshAllOpenPriorities(
          db,
          await getPriorityConfig(db, { fresh: true }),
          await getRoutingConfig(db, { fresh: true }),
        );
        log.info({ studies: n, why }, "priorities recomputed after a settings change");
        failures.succeeded();
      })
      .catch((e: unknown) => failures.failed(e));
  };
  return listenToChannels(
    databaseUrl,
    [SETTINGS_CHANNEL],
    (_channel, key) => (key === "priority" || key === "routing" || key === "rvu") && refresh(`${key} saved`),
    "readnext-worker-settings",
    () => connects++ > 0 && refresh("listener reconnected"),
  );
}

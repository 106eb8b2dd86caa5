import type { Db } from "../db/client";
import { log } from "../log";
import { pacsCapabilitiesSchema } from "../pacs/source-config";
import { syncSource } from "./sync-source";
import { pollOrthancChangeFeed, type SettlingStudies } from "./orthanc-change-feed";
import { claimSyncLease } from "./source-status";

/** Whether a periodic sweep of this source is due at `now`. "Sync now" skips any backoff. */
export function syncIsDue(
  source: {
    lastSuccessAt: Date | null;
    syncRequestedAt: Date | null;
    nextAttemptAt: Date | null;
    syncIntervalSeconds: number;
  },
  now: Date,
): boolean {
  if (source.syncRequestedAt) return true;
  if (source.nextAttemptAt && source.nextAttemptAt > now) return false;
  return !source.lastSuccessAt || now.getTime() - source.lastSuccessAt.getTime() >= source.syncIntervalSeconds * 1000;
}

/**
 * Keeps every enabled source in step: polls change feeds every tick (fast intake) and
 * runs the periodic QIDO sweep when due. Runs in worker processes; a lease on the
 * source row keeps two workers from sweeping the same source at once. Never throws:
 * a failing source is recorded and retried with backoff while the others go on.
 */
export function startIngestLoop(db: Db, options: { tickMs?: number } = {}): { stop: () => Promise<void> } {
  const tickMs = options.tickMs ?? 250;
  const busy = new Set<string>();
  const feedBackoffUntil = new Map<string, number>();
  const settling = new Map<string, SettlingStudies>();
  let stopped = false;
  const running = new Set<Promise<unknown>>();

  const track = (key: string, work: () => Promise<unknown>) => {
    busy.add(key);
    const p = work()
      .catch((error: Error) => log.warn({ err: error.message, key }, "ingest step failed"))
      .finally(() => {
        busy.delete(key);
        running.delete(p);
      });
    running.add(p);
  };

  async function tick() {
    const now = new Date();
    const sources = await db.pacsSource.findMany({ where: { enabled: true, unavailableReason: null } });
    for (const source of sources) {
      const capabilities = pacsCapabilitiesSchema.parse(source.capabilities ?? {});
      const feedKey = `feed:${source.id}`;
      if (
        capabilities.orthancChangeFeed &&
        !busy.has(feedKey) &&
        (feedBackoffUntil.get(source.id) ?? 0) <= now.getTime()
      ) {
        track(feedKey, async () => {
          try {
            if (!settling.has(source.id)) settling.set(source.id, new Map());
            await pollOrthancChangeFeed(db, source.id, settling.get(source.id));
            feedBackoffUntil.delete(source.id);
          } catch (error) {
            // Back off the feed too; the sweep records the source's status.
            feedBackoffUntil.set(source.id, Date.now() + 5_000 + Math.random() * 5_000);
            throw error;
          }
        });
      }
      const syncKey = `sync:${source.id}`;
      if (!busy.has(syncKey) && syncIsDue(source, now)) {
        track(syncKey, async () => {
          if (!(await claimSyncLease(db, source.id))) return;
          try {
            const result = await syncSource(db, source.id);
            if (result.created || result.updated)
              log.info({ source: source.name, ...result, skipped: result.skipped.length }, "sync");
          } catch (error) {
            log.warn({ source: source.name, err: (error as Error).message }, "sync failed");
          }
        });
      }
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        await tick();
      } catch (error) {
        log.error({ err: (error as Error).message }, "ingest tick failed");
      }
      await new Promise((r) => setTimeout(r, tickMs));
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await loop;
      await Promise.allSettled([...running]);
    },
  };
}

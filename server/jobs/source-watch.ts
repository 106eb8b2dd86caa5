import type PgBoss from "pg-boss";
import type { Db } from "../db/client";
import { repeatedFailureLog, type RepeatedFailureLog } from "../repeated-failure-log";
import { pacsCapabilitiesSchema } from "../pacs/source-config";
import { pollOrthancChangeFeed, type SettlingStudies } from "../ingest/orthanc-change-feed";
import { sweepIsDue } from "@/lib/ingest/sweep-due";
import { pendingSweeps } from "../core/queues";
import { failOrphanedSweeps, queueSourceSweep } from "./source-sweeps";

/** A change feed that failed waits this long (plus up to as much again) before it is read again. */
const FEED_PAUSE_MS = 5_000;

/**
 * The one loop pg-boss cannot replace: every `tickMs` (250 ms by default) it reads each enabled
 * source's change feed (fast intake, sub-second) and queues a sweep job for each source whose
 * sweep is due. Several workers may run it at once: a feed read is idempotent (upserts by UID,
 * cursor moves after storing) and the sweep queue takes one job per source. Never throws.
 */
export function startSourceWatch(db: Db, boss: PgBoss, options: { tickMs?: number } = {}): { stop(): Promise<void> } {
  const tickMs = options.tickMs ?? 250;
  const reading = new Map<string, Promise<void>>();
  const feedPausedUntil = new Map<string, number>();
  const settling = new Map<string, SettlingStudies>();
  let stopped = false;
  const tickFailures = repeatedFailureLog("source watch tick");
  const feedFailures = new Map<string, RepeatedFailureLog>();
  const feedLog = (sourceId: string) => {
    if (!feedFailures.has(sourceId)) feedFailures.set(sourceId, repeatedFailureLog("change feed read"));
    return feedFailures.get(sourceId) as RepeatedFailureLog;
  };

  const readFeed = (sourceId: string) => {
    if (!settling.has(sourceId)) settling.set(sourceId, new Map());
    const p = pollOrthancChangeFeed(db, sourceId, settling.get(sourceId))
      .then(() => {
        feedPausedUntil.delete(sourceId);
        feedLog(sourceId).succeeded();
      })
      .catch((error: unknown) => {
        // The sweep records the source's status; the feed only pauses.
        feedPausedUntil.set(sourceId, Date.now() + FEED_PAUSE_MS * (1 + Math.random()));
        feedLog(sourceId).failed(error, { sourceId });
      })
      .finally(() => reading.delete(sourceId));
    reading.set(sourceId, p);
  };

  async function tick() {
    const now = new Date();
    const [sources, pending] = await Promise.all([
      db.pacsSource.findMany({ where: { enabled: true, unavailableReason: null } }),
      pendingSweeps(db),
    ]);
    const sweepRunning = [...pending.values()].some((p) => p.some((x) => x.state === "running"));
    if (sweepRunning || sources.some((s) => s.sweepWorkerId !== null)) await failOrphanedSweeps(db, boss, now);
    for (const source of sources) {
      const { orthancChangeFeed } = pacsCapabilitiesSchema.parse(source.capabilities ?? {});
      if (orthancChangeFeed && !reading.has(source.id) && (feedPausedUntil.get(source.id) ?? 0) <= now.getTime())
        readFeed(source.id);
      const states = (pending.get(source.id) ?? []).map((p) => p.state);
      if (sweepIsDue(source, states, now)) await queueSourceSweep(boss, source.id);
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        await tick();
        tickFailures.succeeded();
      } catch (error) {
        tickFailures.failed(error);
      }
      await new Promise((r) => setTimeout(r, tickMs));
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await loop;
      await Promise.allSettled([...reading.values()]);
    },
  };
}

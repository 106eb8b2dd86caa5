import { EventEmitter } from "node:events";
import { env } from "../env";
import { listenToChannels } from "../db/listen";
import { WORKLIST_CHANNEL, type WorklistEvent } from "../core/worklist-events";

/** The events of one short window, for every open worklist at once. */
export type WorklistBatch = {
  studyIds: string[];
  arrived: string[];
  critical: string[];
  /** An event about no one study (a routing or settings change): every list asks again. */
  everything: boolean;
};

/**
 * How long events gather before open worklists hear of them: a busy department sends several a
 * second, and each open list answers a batch with a query of its own (bench/day-replay.ts).
 */
export const BATCH_MS = 1000;

/**
 * One LISTEN connection per web server, fanned out to every open worklist's subscription as
 * "batch" (every BATCH_MS at most); "event" is each event as it comes. Reconnects with a delay if
 * Postgres drops it.
 */
class WorklistEvents extends EventEmitter {
  private listening = false;
  private pending: { studyIds: Set<string>; arrived: Set<string>; critical: Set<string>; everything: boolean } | null =
    null;

  private gather(event: WorklistEvent): void {
    if (!this.pending) {
      this.pending = { studyIds: new Set(), arrived: new Set(), critical: new Set(), everything: false };
      setTimeout(() => {
        const p = this.pending!;
        this.pending = null;
        const batch: WorklistBatch = {
          studyIds: [...p.studyIds],
          arrived: [...p.arrived],
          critical: [...p.critical],
          everything: p.everything,
        };
        this.emit("batch", batch);
      }, BATCH_MS).unref();
    }
    const p = this.pending;
    if (!event.studyId) p.everything = true;
    else p.studyIds.add(event.studyId);
    if (event.studyId && event.type === "arrived") p.arrived.add(event.studyId);
    if (event.studyId && event.critical) p.critical.add(event.studyId);
  }

  ensureListening(): void {
    const url = env().DATABASE_URL;
    if (this.listening || !url) return;
    this.listening = true;
    let connected = false;
    listenToChannels(
      url,
      [WORKLIST_CHANNEL],
      (_channel, payload) => {
        try {
          const event = JSON.parse(payload) as WorklistEvent;
          this.emit("event", event);
          this.gather(event);
        } catch {
          // not ours
        }
      },
      "readnext-web-listen",
      // Back after the database or the connection was away: what changed meanwhile was missed, so every open list asks again.
      () => {
        if (connected) this.gather({ type: "changed", studyId: "" });
        connected = true;
      },
    );
  }
}

const globalForEvents = globalThis as unknown as { readnextWorklistEvents?: WorklistEvents };

export function worklistEvents(): WorklistEvents {
  globalForEvents.readnextWorklistEvents ??= new WorklistEvents().setMaxListeners(0) as WorklistEvents;
  globalForEvents.readnextWorklistEvents.ensureListening();
  return globalForEvents.readnextWorklistEvents;
}

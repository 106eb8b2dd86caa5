import { EventEmitter } from "node:events";
import { env } from "../env";
import { listenToChannels } from "../db/listen";
import { WORKLIST_CHANNEL, type WorklistEvent } from "../core/worklist-events";

/**
 * One LISTEN connection per web server, fanned out to every open worklist's
 * subscription. Reconnects with a delay if Postgres drops it.
 */
class WorklistEvents extends EventEmitter {
  private listening = false;

  ensureListening(): void {
    const url = env().DATABASE_URL;
    if (this.listening || !url) return;
    this.listening = true;
    listenToChannels(
      url,
      [WORKLIST_CHANNEL],
      (_channel, payload) => {
        try {
          this.emit("event", JSON.parse(payload) as WorklistEvent);
        } catch {
          // not ours
        }
      },
      "readnext-web-listen",
    );
  }
}

const globalForEvents = globalThis as unknown as { readnextWorklistEvents?: WorklistEvents };

export function worklistEvents(): WorklistEvents {
  globalForEvents.readnextWorklistEvents ??= new WorklistEvents().setMaxListeners(0) as WorklistEvents;
  globalForEvents.readnextWorklistEvents.ensureListening();
  return globalForEvents.readnextWorklistEvents;
}

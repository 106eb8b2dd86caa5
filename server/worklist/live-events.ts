import { EventEmitter } from "node:events";
import pg from "pg";
import { env } from "../env";
import { log } from "../log";
import { WORKLIST_CHANNEL, type WorklistEvent } from "./notify";

/**
 * One LISTEN connection per web server, fanned out to every open worklist's
 * subscription. Reconnects with a delay if Postgres drops it.
 */
class WorklistEvents extends EventEmitter {
  private client: pg.Client | null = null;
  private connecting = false;

  ensureListening(): void {
    if (this.client || this.connecting) return;
    const url = env().DATABASE_URL;
    if (!url) return;
    this.connecting = true;
    const client = new pg.Client({ connectionString: url });
    client.on("notification", (message) => {
      if (message.channel !== WORKLIST_CHANNEL || !message.payload) return;
      try {
        this.emit("event", JSON.parse(message.payload) as WorklistEvent);
      } catch {
        // not ours
      }
    });
    const retry = (error: Error) => {
      log.warn({ err: error.message }, "worklist LISTEN connection lost; retrying");
      this.client = null;
      this.connecting = false;
      setTimeout(() => this.ensureListening(), 2000).unref();
    };
    client.on("error", retry);
    client
      .connect()
      .then(() => client.query(`LISTEN ${WORKLIST_CHANNEL}`))
      .then(() => {
        this.client = client;
        this.connecting = false;
      })
      .catch(retry);
  }
}

const globalForEvents = globalThis as unknown as { readnextWorklistEvents?: WorklistEvents };

export function worklistEvents(): WorklistEvents {
  globalForEvents.readnextWorklistEvents ??= new WorklistEvents().setMaxListeners(0) as WorklistEvents;
  globalForEvents.readnextWorklistEvents.ensureListening();
  return globalForEvents.readnextWorklistEvents;
}

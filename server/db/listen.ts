import pg from "pg";
import { log } from "../log";
import { env } from "../env";

/**
 * LISTEN on Postgres channels over one dedicated connection, reconnecting 2 s after it
 * drops or fails to open (a single reconnect per failure). Used by web servers (worklist
 * events) and workers (arrivals, queued jobs). With DATABASE_LISTEN_URL set, LISTEN goes there
 * instead of `databaseUrl`: queries can then go through a transaction-mode pooler (PgBouncer),
 * which cannot carry LISTEN, while these few connections reach Postgres directly.
 */
export function listenToChannels(
  databaseUrl: string,
  channels: string[],
  onMessage: (channel: string, payload: string) => void,
  name: string,
  /** Called after each (re)connect has subscribed: what was sent while disconnected was missed. */
  onListening?: () => void,
): { stop(): void; ready: Promise<void> } {
  let client: pg.Client | null = null;
  // Resolves at the first subscription: callers that must not miss an early NOTIFY wait for it.
  let subscribed = () => undefined as void;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  let stopped = false;
  let retrying = false;
  const retry = (why: string) => (error: Error) => {
    client = null;
    if (stopped || retrying) return;
    retrying = true;
    log.warn({ err: error.message, listener: name }, why);
    setTimeout(() => {
      retrying = false;
      connect();
    }, 2000).unref();
  };
  const connect = () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: env().DATABASE_LISTEN_URL ?? databaseUrl, application_name: name });
    c.on("notification", (m) => onMessage(m.channel, m.payload ?? ""));
    c.on("error", retry("LISTEN connection lost; reconnecting"));
    c.connect()
      .then(() => c.query(channels.map((ch) => `LISTEN ${ch}`).join("; ")))
      .then(() => {
        client = c;
        subscribed();
        onListening?.();
      })
      .catch(retry("LISTEN failed; retrying"));
  };
  connect();
  return {
    ready,
    stop() {
      stopped = true;
      void client?.end().catch(() => undefined);
    },
  };
}

import type { ChildProcess } from "node:child_process";

/** A started service: its process (to see it exit) and how to stop it. */
export type ServiceRun = { process: ChildProcess; stop: () => Promise<void> };

export type KeptRunning<T extends ServiceRun> = {
  /** The run in use now (a restart replaces it). */
  current: () => T;
  /** Times the service was started again after it exited on its own. */
  restarts: () => number;
  /** Stops the service for good: no restart after this. */
  stop: () => Promise<void>;
};

/** Pauses before a restart: 1 s, doubling while restarts keep failing, at most 30 s. */
const FIRST_PAUSE_MS = 1000;
const LONGEST_PAUSE_MS = 30_000;

/**
 * Starts a service npm start depends on (the embedded Postgres, the demo PACS) and starts it
 * again whenever its process exits on its own, as the worker is: a `kill -9` or a crash then
 * costs seconds of 503s instead of a dead product until someone restarts everything. It never
 * gives up (the cause may pass: a full disk, a port briefly taken), but waits longer between
 * tries, so a service that cannot start logs one line per try, not a flood. The first start's
 * failure is thrown to the caller, as before.
 */
export async function keepRunning<T extends ServiceRun>(
  name: string,
  start: () => Promise<T>,
  log: (line: string) => void,
): Promise<KeptRunning<T>> {
  let run = await start();
  let stopping = false;
  let restarts = 0;
  let timer: NodeJS.Timeout | null = null;

  const restartAfter = (pauseMs: number) => {
    timer = setTimeout(async () => {
      timer = null;
      if (stopping) return;
      try {
        run = await start();
        restarts += 1;
        if (stopping) return void (await run.stop());
        log(`${name} is running again.`);
        watch(run);
      } catch (error) {
        const next = Math.min(pauseMs * 2, LONGEST_PAUSE_MS);
        log(`${name} did not start (${firstLine(error)}); trying again in ${next / 1000} s.`);
        restartAfter(next);
      }
    }, pauseMs);
  };
  const watch = (watched: T) =>
    watched.process.once("exit", (code, signal) => {
      if (stopping || watched !== run) return;
      const how = code !== null ? `code ${code}` : `signal ${signal}`;
      log(`${name} exited (${how}); starting it again in ${FIRST_PAUSE_MS / 1000} s.`);
      restartAfter(FIRST_PAUSE_MS);
    });
  watch(run);

  return {
    current: () => run,
    restarts: () => restarts,
    stop: async () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      // A process that already exited has nothing to stop (and would never report its exit again).
      if (run.process.exitCode === null && run.process.signalCode === null) await run.stop();
    },
  };
}

const firstLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error ?? "no reason given")).split("\n")[0] || "no reason given";

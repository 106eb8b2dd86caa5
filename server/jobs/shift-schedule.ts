import type { Db } from "../db/client";
import { log } from "../log";
import { repeatedFailureLog } from "../repeated-failure-log";
import { applyShiftSchedule } from "../routing/shift-schedule";

const EVERY_MS = 30_000;

/**
 * Shift starts and ends, every 30 s: readers go on and off duty as their schedules say (a
 * reader going off hands their unread assignments back through the next assignment round).
 * Every worker runs it; each change is made once (see applyShiftSchedule).
 */
export function startShiftSchedule(db: Db, timeZone: string): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const failures = repeatedFailureLog("shift schedule");
  const tick = () => {
    running = running
      .then(async () => {
        const moved = await applyShiftSchedule(db, new Date(), timeZone);
        if (moved.length) log.info({ moved }, "shift schedule applied");
        failures.succeeded();
      })
      .catch((e: unknown) => failures.failed(e));
  };
  tick();
  const timer = setInterval(tick, EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

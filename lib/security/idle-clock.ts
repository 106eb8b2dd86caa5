// Where a session stands on the idle clock: pure, so the timing is unit-tested without a browser.

export type IdleState = { phase: "active" } | { phase: "warning"; secondsLeft: number } | { phase: "expired" };

/** The warning shows this long before the end. */
export const IDLE_WARNING_MS = 60_000;
/** The server hears of activity at most this often (it only needs minute precision). */
export const ACTIVITY_REPORT_MS = 60_000;

export function idleState(now: number, lastActivity: number, idleMs: number): IdleState {
  const left = lastActivity + idleMs - now;
  if (left <= 0) return { phase: "expired" };
  if (left <= IDLE_WARNING_MS) return { phase: "warning", secondsLeft: Math.ceil(left / 1000) };
  return { phase: "active" };
}

/** Whether this activity should be reported to the server, given when it last was. */
export function shouldReportActivity(now: number, lastReported: number | null): boolean {
  return lastReported === null || now - lastReported >= ACTIVITY_REPORT_MS;
}

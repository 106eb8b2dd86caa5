/** Where a source's sweep job stands in the job queue (pg-boss states created, retry, active). */
export type SweepState = "queued" | "retrying" | "running";

/**
 * Whether to queue a QIDO sweep of this source now. "Sync now" always gets one (unless one is
 * already waiting), even while a failed sweep waits to retry; otherwise a source with a sweep
 * waiting, retrying or running gets none, and the next one is due an interval after the last
 * attempt ended, success or failure (so a source whose retries ran out rests before a new round).
 */
export function sweepIsDue(
  source: {
    lastSuccessAt: Date | null;
    lastErrorAt: Date | null;
    syncRequestedAt: Date | null;
    syncIntervalSeconds: number;
  },
  pending: readonly SweepState[],
  now: Date,
): boolean {
  if (source.syncRequestedAt) return !pending.includes("queued");
  if (pending.length > 0) return false;
  const last = Math.max(source.lastSuccessAt?.getTime() ?? 0, source.lastErrorAt?.getTime() ?? 0);
  return last === 0 || now.getTime() - last >= source.syncIntervalSeconds * 1000;
}

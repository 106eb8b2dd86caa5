const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The StudyDate window of a QIDO sweep, which QIDO can only filter by StudyDate. A routine sweep
 * re-reads from the day before the last success (late images, clock skew). A study that reaches
 * the PACS late with an older StudyDate (an outside study imported from a CD, a series sent days
 * later) is outside that window for good, so every `deepEveryHours` one sweep looks back the
 * source's `backfillDays`, as the first sync does: such a study is found within that many hours,
 * if its StudyDate is within that many days. 0 hours: no deep sweeps.
 */
export function sweepWindow(
  source: { lastSuccessAt: Date | null; lastDeepSweepAt: Date | null; backfillDays: number },
  now: Date,
  deepEveryHours: number,
): { from: Date; deep: boolean } {
  const backfill = new Date(now.getTime() - source.backfillDays * DAY_MS);
  if (!source.lastSuccessAt) return { from: backfill, deep: true };
  const routine = new Date(source.lastSuccessAt.getTime() - DAY_MS);
  const deepDue =
    deepEveryHours > 0 &&
    (!source.lastDeepSweepAt || now.getTime() - source.lastDeepSweepAt.getTime() >= deepEveryHours * HOUR_MS);
  // A deep sweep never looks back less far than the routine one would.
  return deepDue ? { from: backfill < routine ? backfill : routine, deep: true } : { from: routine, deep: false };
}

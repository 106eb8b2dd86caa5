import type { Db } from "../db/client";
import type { LiveChange } from "@/lib/worklist-live";
import { worklistRowsById, type WorklistRow } from "./list-worklist";
import { getSavedFilters } from "./saved-filters";
import { readingScope } from "../routing/reading-scope";
import type { WorklistBatch } from "./live-events";

/** Above this many studies in one batch (a bulk change), a list asks for its page again instead. */
export const MAX_ROWS_PER_CHANGE = 200;

/**
 * What one reader's open worklist needs of a batch of events: the changed studies' rows as their
 * list shows them now (their filters, reading scope, claims and skips), and which left it. One
 * lookup by id per batch instead of every open list asking for its whole page.
 */
export async function liveChangeFor(
  db: Db,
  user: { id: string; roles: readonly string[] },
  batch: WorklistBatch,
  now = new Date(),
): Promise<LiveChange<WorklistRow>> {
  const none = { rows: [], gone: [], arrived: [], critical: false, studyIds: batch.studyIds, at: now };
  if (batch.everything || batch.studyIds.length > MAX_ROWS_PER_CHANGE)
    return { ...none, refetch: true, critical: batch.critical.length > 0 };
  let found: Awaited<ReturnType<typeof worklistRowsById>>;
  try {
    const [filters, scope] = await Promise.all([getSavedFilters(db, user.id), readingScope(db, user, now)]);
    found = await worklistRowsById(db, user.id, batch.studyIds, { filters, scope }, now);
  } catch {
    // The database is away for a moment: the list asks again (and shows its own error) rather than the stream ending.
    return { ...none, refetch: true, critical: batch.critical.length > 0 };
  }
  const { rows, gone } = found;
  const shown = new Set(rows.map((r) => r.id));
  return {
    refetch: false,
    studyIds: batch.studyIds,
    rows,
    gone,
    arrived: batch.arrived.filter((id) => shown.has(id)),
    // Only a critical study this reader may read alerts them.
    critical: batch.critical.some((id) => shown.has(id)),
    at: now,
  };
}

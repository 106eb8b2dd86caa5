// What an open worklist does with a live change: the server sends the changed studies' rows as
// this reader's list shows them (or that they left it), and the page merges them in reading
// order instead of asking for its whole page again (bench/day-replay.ts measured why).
import { compareReadingOrder } from "./priority/reading-order";

/** Where a row sits in the reading order: its tier (push mode: the reader's own assignments first), pins and tie-breaks. */
export type RowOrder = {
  tier: number;
  pinnedAt: Date | null;
  capAt: Date | null;
  dueAt: Date;
  firstSeenAt: Date;
};
export type LiveRow = { id: string; rank: number; order: RowOrder };

/** One coalesced change for one reader. `refetch`: too much changed to send rows (a routing or settings change); ask again. */
export type LiveChange<R extends LiveRow> = {
  refetch: boolean;
  /** Every study the batch was about, whether or not it is in this reader's list. */
  studyIds: string[];
  /** The changed studies that are in this reader's list, as it shows them now. */
  rows: R[];
  /** The changed studies that are not (read, claimed away by a filter, skipped, routed elsewhere). */
  gone: string[];
  /** Of `rows`, the studies that arrived in this batch (the open count grows by these). */
  arrived: string[];
  /** A study in `rows` has a critical AI finding new in this batch. */
  critical: boolean;
  /** When the server looked: a page fetched after this already shows the change. */
  at: Date;
};

/** Tier first, then the reading order at `now` (lib/priority/reading-order.ts, the order the SQL walks). */
export function compareRows(now: Date): (a: LiveRow, b: LiveRow) => number {
  const byOrder = compareReadingOrder(now);
  return (a, b) => a.order.tier - b.order.tier || byOrder({ ...a.order, id: a.id }, { ...b.order, id: b.id });
}

/**
 * The page after `change`: gone and changed rows leave their places; changed rows come back in
 * reading order if they fall within the page (`limit` rows; a row after the last one of a full
 * page is past it and waits for the next full fetch); ranks are renumbered. `left`: how many of
 * the page's rows left the list.
 */
export function applyLiveChange<R extends LiveRow>(
  page: readonly R[],
  change: Pick<LiveChange<R>, "rows" | "gone">,
  limit: number,
  now: Date,
): { rows: R[]; left: number } {
  const gone = new Set(change.gone);
  const changed = new Set(change.rows.map((r) => r.id));
  const left = page.filter((r) => gone.has(r.id)).length;
  const kept = page.filter((r) => !gone.has(r.id) && !changed.has(r.id));
  const full = page.length >= limit;
  const last = page[page.length - 1];
  const compare = compareRows(now);
  // A full page's last row bounds it: anything ordered after it was not on the page before either.
  const fits = (r: R) => !full || !last || compare(r, last) <= 0;
  const merged = [...kept, ...change.rows.filter(fits)].sort(compare).slice(0, limit);
  return { rows: merged.map((r, i) => ({ ...r, rank: i + 1 })), left };
}

/**
 * A page that was on its way while changes came in shows the list as it was when the server
 * looked (`pageAt`): the changes the server looked at later are applied over it again.
 */
export function replayNewer<R extends LiveRow>(
  page: readonly R[],
  pageAt: Date,
  changes: readonly Pick<LiveChange<R>, "rows" | "gone" | "at">[],
  limit: number,
  now: Date,
): R[] {
  return changes
    .filter((c) => c.at.getTime() > pageAt.getTime())
    .reduce<R[]>((rows, c) => applyLiveChange(rows, c, limit, now).rows, [...page]);
}

/** An open page's memory: the last minute's changes, and which pages it made by merging (not fetched ones). */
export class LiveMerges<C extends { at: Date }> {
  recent: C[] = [];
  private pages = new WeakSet<object>();

  remember(change: C, now = Date.now()): void {
    this.recent = [...this.recent.filter((c) => c.at.getTime() > now - 60_000), change];
  }

  merged<P extends object>(page: P): P {
    this.pages.add(page);
    return page;
  }

  isMerged(page: object): boolean {
    return this.pages.has(page);
  }
}

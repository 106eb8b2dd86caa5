// The reading order, defined once. The engine's comparison (engine.ts), the worklist's SQL
// and Next case's SQL (server/worklist/reading-order-sql.ts) are all built from this.

/**
 * What makes a study count as pinned; pinned studies come first, oldest pin first. Each is a
 * column of Study (kept by refresh-priority) with its own ordering index.
 *  - `whenSet`: pinned from the moment the column has a time (AI critical, a scheduler's pin);
 *  - `oncePassed`: pinned at that time once it has passed (the wait cap: arrival + maximum wait).
 * A study matching several counts by the earliest.
 */
export const PIN_RULES = [
  { part: "pinned", column: "pinnedAt", counts: "whenSet" },
  { part: "capped", column: "capAt", counts: "oncePassed" },
] as const;

/** After the pin (and for every unpinned study): earliest due time, then earliest arrival, then id. */
export const TIE_BREAK = ["dueAt", "firstSeenAt", "id"] as const;

export type PinRule = (typeof PIN_RULES)[number];
export type PinColumn = PinRule["column"];
export type TieColumn = (typeof TIE_BREAK)[number];

/** A study as the order sees it: its pin columns and tie-break columns. */
export type OrderedStudy = Record<PinColumn, Date | null> & { dueAt: Date; firstSeenAt: Date; id: string };

/** The pin in force at `now`: the earliest of the pin rules that apply, or null. */
export function pinInForce(study: Record<PinColumn, Date | null>, now: Date): Date | null {
  let pin: Date | null = null;
  for (const rule of PIN_RULES) {
    const at = study[rule.column];
    if (!at || (rule.counts === "oncePassed" && at > now)) continue;
    if (!pin || at < pin) pin = at;
  }
  return pin;
}

/** The reading order at `now` as a comparison: pinned first by pin time, then TIE_BREAK. */
export function compareReadingOrder(now: Date): (a: OrderedStudy, b: OrderedStudy) => number {
  return (a, b) => {
    const pa = pinInForce(a, now);
    const pb = pinInForce(b, now);
    if (pa && pb) {
      const d = pa.getTime() - pb.getTime();
      if (d) return d;
    } else if (pa || pb) {
      return pa ? -1 : 1;
    }
    for (const column of TIE_BREAK) {
      const x = a[column];
      const y = b[column];
      const d =
        typeof x === "string"
          ? x < (y as string)
            ? -1
            : x > (y as string)
              ? 1
              : 0
          : x.getTime() - (y as Date).getTime();
      if (d) return d;
    }
    return 0;
  };
}

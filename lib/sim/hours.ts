const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** A reader's hours as one span "from–to" (to exclusive, may wrap past midnight); all day when every hour is on. */
export function hoursSpan(hours: readonly number[] | undefined): { from: number; to: number } {
  const on = new Set(hours ?? HOURS);
  if (on.size === 24 || on.size === 0) return { from: 0, to: 24 };
  const from = HOURS.find((h) => on.has(h) && !on.has((h + 23) % 24)) ?? 0;
  let to = from;
  while (on.has(to % 24) && to < from + 24) to++;
  return { from, to: to > 24 ? to - 24 : to };
}

/** The hours of a span; a span whose end is not after its start runs past midnight. */
export function spanHours(from: number, to: number): number[] {
  if (from === to % 24 && to !== from) return [...HOURS];
  const out: number[] = [];
  for (let h = from; h !== to % 24 || out.length === 0; h = (h + 1) % 24) {
    out.push(h);
    if (out.length === 24) break;
  }
  return out;
}

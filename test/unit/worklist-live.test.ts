import { describe, expect, it } from "vitest";
import { applyLiveChange, LiveMerges, replayNewer, type LiveRow } from "@/lib/worklist-live";

// Hand-made pages: each expected order is worked out from the README's reading order (tier, then
// pinned first by pin time, then due time, arrival, id), not from the code.
const now = new Date(Date.UTC(2026, 11, 4, 12, 0, 0));
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const row = (id: string, over: Partial<LiveRow["order"]> = {}): LiveRow => ({
  id,
  rank: 0,
  order: { tier: 0, pinnedAt: null, capAt: null, dueAt: at(60), firstSeenAt: at(-30), ...over },
});
const ranked = (rows: LiveRow[]) => rows.map((r, i) => ({ ...r, rank: i + 1 }));
const ids = (rows: LiveRow[]) => rows.map((r) => `${r.rank}:${r.id}`);

// Due in 10, 20, 30 and 40 minutes: the page as the server sent it.
const page = ranked([
  row("a", { dueAt: at(10) }),
  row("b", { dueAt: at(20) }),
  row("c", { dueAt: at(30) }),
  row("d", { dueAt: at(40) }),
]);

describe("merging a live change into an open page", () => {
  it("a read study leaves and the rest move up; it counts as one that left", () => {
    const out = applyLiveChange(page, { rows: [], gone: ["b", "zz"] }, 500, now);
    expect(ids(out.rows)).toEqual(["1:a", "2:c", "3:d"]);
    // "zz" was never on this page: only b left it.
    expect(out.left).toBe(1);
  });

  it("an arrival due in 25 minutes goes between the ones due in 20 and 30", () => {
    const out = applyLiveChange(page, { rows: [row("new", { dueAt: at(25) })], gone: [] }, 500, now);
    expect(ids(out.rows)).toEqual(["1:a", "2:b", "3:new", "4:c", "5:d"]);
    expect(out.left).toBe(0);
  });

  it("a study the AI just pinned goes to the top, above every unpinned one however soon due", () => {
    const out = applyLiveChange(page, { rows: [row("d", { dueAt: at(40), pinnedAt: at(-1) })], gone: [] }, 500, now);
    expect(ids(out.rows)).toEqual(["1:d", "2:a", "3:b", "4:c"]);
  });

  it("among pins the earlier pin leads; a wait cap counts once passed, not before", () => {
    const pinned = ranked([row("p1", { pinnedAt: at(-20) }), ...page]);
    const out = applyLiveChange(
      pinned,
      {
        rows: [
          row("capped", { capAt: at(-30), dueAt: at(90) }), // its cap passed 30 min ago: before p1's pin
          row("notyet", { capAt: at(5), dueAt: at(35) }), // cap still ahead: ordered by due time
        ],
        gone: [],
      },
      500,
      now,
    );
    expect(ids(out.rows)).toEqual(["1:capped", "2:p1", "3:a", "4:b", "5:c", "6:notyet", "7:d"]);
  });

  it("a changed row is replaced, not doubled: a re-prioritised study moves to its new place", () => {
    const out = applyLiveChange(page, { rows: [row("a", { dueAt: at(35) })], gone: [] }, 500, now);
    expect(ids(out.rows)).toEqual(["1:b", "2:c", "3:a", "4:d"]);
  });

  it("ties on due time go to the earlier arrival, then to the smaller id", () => {
    const tied = ranked([row("m", { dueAt: at(15), firstSeenAt: at(-40) })]);
    const out = applyLiveChange(
      tied,
      {
        rows: [row("k", { dueAt: at(15), firstSeenAt: at(-50) }), row("n", { dueAt: at(15), firstSeenAt: at(-40) })],
        gone: [],
      },
      500,
      now,
    );
    expect(ids(out.rows)).toEqual(["1:k", "2:m", "3:n"]);
  });

  it("the reader's own assignments (tier 0) stay above everything else, even a pin", () => {
    const tiers = ranked([row("mine", { tier: 0, dueAt: at(300) }), row("x", { tier: 1, dueAt: at(5) })]);
    const out = applyLiveChange(tiers, { rows: [row("crit", { tier: 1, pinnedAt: at(-1) })], gone: [] }, 500, now);
    expect(ids(out.rows)).toEqual(["1:mine", "2:crit", "3:x"]);
  });

  it("a full page keeps its length: an arrival after its last row is past the page, one before it pushes the last off", () => {
    const late = applyLiveChange(page, { rows: [row("late", { dueAt: at(50) })], gone: [] }, 4, now);
    expect(ids(late.rows)).toEqual(["1:a", "2:b", "3:c", "4:d"]);
    const early = applyLiveChange(page, { rows: [row("early", { dueAt: at(5) })], gone: [] }, 4, now);
    expect(ids(early.rows)).toEqual(["1:early", "2:a", "3:b", "4:c"]);
    // A page that is not full takes a late arrival at its end.
    const short = applyLiveChange(page, { rows: [row("late", { dueAt: at(50) })], gone: [] }, 5, now);
    expect(ids(short.rows)).toEqual(["1:a", "2:b", "3:c", "4:d", "5:late"]);
  });

  it("leaves the page it was given as it was", () => {
    const before = JSON.stringify(page);
    applyLiveChange(page, { rows: [row("new", { dueAt: at(1) })], gone: ["a"] }, 500, now);
    expect(JSON.stringify(page)).toBe(before);
  });
});

describe("a page that lands after changes", () => {
  const change = (at: number, over: Partial<{ rows: LiveRow[]; gone: string[] }>) => ({
    rows: [],
    gone: [],
    at: new Date(now.getTime() + at),
    ...over,
  });

  it("gets the changes the server looked at after it, not the older ones it already shows", () => {
    // The page was read at now. Before it, "a" left the list (and came back: the page shows it);
    // after it, "x" arrived and "c" was read.
    const landed = ranked([row("a", { dueAt: at(10) }), row("c", { dueAt: at(30) }), row("old", { dueAt: at(35) })]);
    const out = replayNewer(
      landed,
      now,
      [
        change(-1000, { gone: ["a"] }), // older than the page: the page already shows what came after
        change(+500, { rows: [row("x", { dueAt: at(20) })] }),
        change(+900, { gone: ["c"] }),
      ],
      500,
      now,
    );
    expect(ids(out)).toEqual(["1:a", "2:x", "3:old"]);
  });

  it("remembers a minute of changes and knows its own merged pages from fetched ones", () => {
    const live = new LiveMerges<{ at: Date }>();
    live.remember({ at: new Date(now.getTime() - 61_000) }, now.getTime() - 61_000);
    live.remember({ at: new Date(now.getTime() - 59_000) }, now.getTime());
    live.remember({ at: now }, now.getTime());
    // The one from 61 s ago is forgotten when a newer one comes.
    expect(live.recent.map((c) => c.at.getTime() - now.getTime())).toEqual([-59_000, 0]);
    const fetched = { rows: [] };
    const mine = live.merged({ rows: [] });
    expect(live.isMerged(mine)).toBe(true);
    expect(live.isMerged(fetched)).toBe(false);
  });
});

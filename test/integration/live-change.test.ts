// The live worklist as an open page sees it: changes gathered into batches, sent through the
// router's subscription as this reader's changed rows, merged into the page in reading order. After
// every step the merged page must equal the page the list query returns when asked afresh (a
// separate path: the ordered index walks, not the lookup by id and the merge).
import { beforeEach, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { listWorklist, type WorklistRow } from "@/server/worklist/list-worklist";
import { claimNextCase, markRead } from "@/server/worklist/claims";
import { setOverride } from "@/server/worklist/overrides";
import { refreshPriorities } from "@/server/worklist/refresh-priority";
import { getSavedFilters, saveFilters } from "@/server/worklist/saved-filters";
import { notifyWorklist } from "@/server/core/worklist-events";
import { NO_FILTERS } from "@/lib/worklist-filters";
import { applyLiveChange, type LiveChange } from "@/lib/worklist-live";
import type { CurrentUser } from "@/server/auth/current-user";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";

let sourceId: string;
let n = 0;
async function addStudy(fields: {
  modality: string;
  priority: "STAT" | "ROUTINE";
  location: "ED" | "OUTPATIENT";
  minutesAgo: number;
}) {
  n += 1;
  const study = await testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: `1.2.826.77.${n}`,
      accessionNumber: `LIVE${n}`,
      firstSeenAt: new Date(Date.now() - fields.minutesAgo * 60_000),
      orderPriority: fields.priority,
      patientLocation: fields.location,
      modalities: [fields.modality],
    },
  });
  await refreshPriorities(testDb(), [study.id]);
  return study;
}

/** An open worklist page: its subscription and the rows it shows. */
async function openPage(user: CurrentUser) {
  const caller = createCaller({ db: testDb(), user });
  const stream = (await caller.worklist.events()) as AsyncIterable<LiveChange<WorklistRow>>;
  const changes = stream[Symbol.asyncIterator]();
  // Asked for at once, as the browser's subscription is: the stream listens from its first pull.
  let pending = changes.next();
  let rows = (await listWorklist(testDb(), user.id, { filters: await filtersOf(user), limit: 500, offset: 0 })).rows;
  return {
    get rows() {
      return rows;
    },
    /** The next change, merged as worklist-view.tsx merges it. */
    async next() {
      const { value } = await pending;
      pending = changes.next();
      const change = value as LiveChange<WorklistRow>;
      if (!change.refetch) rows = applyLiveChange(rows, change, 500, new Date()).rows;
      return change;
    },
  };
}
const filtersOf = (user: CurrentUser) => getSavedFilters(testDb(), user.id);
const shown = (rows: WorklistRow[]) =>
  rows.map(
    (r) => `${r.rank} ${r.accessionNumber}${r.pinned ? " pinned" : ""}${r.claimedBy ? ` by ${r.claimedBy.name}` : ""}`,
  );
async function fresh(user: CurrentUser) {
  return shown((await listWorklist(testDb(), user.id, { filters: await filtersOf(user), limit: 500, offset: 0 })).rows);
}

beforeEach(async () => {
  await resetDatabase();
  sourceId = await makeOfflineSource();
});

describe("live worklist changes", () => {
  it("each reader's open page, merged change by change, equals their list asked afresh", async () => {
    const anna = await makeUser(["radiologist"]);
    const ben = await makeUser(["radiologist"]);
    const scheduler = await makeUser(["scheduler"]);
    await saveFilters(testDb(), ben.id, { ...NO_FILTERS, modalities: ["CT"] });
    // Due times from the default SLA table: routine outpatient 24 h, STAT 30 min.
    const ct = await addStudy({ modality: "CT", priority: "ROUTINE", location: "OUTPATIENT", minutesAgo: 50 }); // LIVE1, due in 1,390 min
    const stat = await addStudy({ modality: "CT", priority: "STAT", location: "ED", minutesAgo: 5 }); // LIVE2, due in 25 min
    const annaPage = await openPage(anna);
    const benPage = await openPage(ben);
    await new Promise((r) => setTimeout(r, 300)); // LISTEN connection up

    // An MR arrives: Anna's list takes it in order; Ben's CT-only list does not.
    const mr = await addStudy({ modality: "MR", priority: "STAT", location: "ED", minutesAgo: 1 }); // LIVE3, due in 29 min
    await notifyWorklist(testDb(), { type: "arrived", studyId: mr.id });
    const [a1, b1] = await Promise.all([annaPage.next(), benPage.next()]);
    expect(a1).toMatchObject({ refetch: false, arrived: [mr.id], gone: [] });
    expect(b1).toMatchObject({ refetch: false, arrived: [], gone: [mr.id], rows: [] });
    // The STAT CT (due in 25 min), the STAT MR (29), the routine CT (1,390).
    expect(shown(annaPage.rows)).toEqual(["1 LIVE2", "2 LIVE3", "3 LIVE1"]);
    expect(shown(annaPage.rows)).toEqual(await fresh(anna));
    expect(shown(benPage.rows)).toEqual(["1 LIVE2", "2 LIVE1"]);
    expect(shown(benPage.rows)).toEqual(await fresh(ben));

    // Anna presses Next case: the STAT CT shows as hers on both pages.
    const claimed = await claimNextCase(testDb(), { id: anna.id, name: anna.name }, NO_FILTERS);
    expect(claimed).toMatchObject({ studyId: stat.id });
    await Promise.all([annaPage.next(), benPage.next()]);
    expect(shown(benPage.rows)).toEqual([`1 LIVE2 by ${anna.name}`, "2 LIVE1"]);
    expect(shown(benPage.rows)).toEqual(await fresh(ben));
    expect(shown(annaPage.rows)).toEqual(await fresh(anna));

    // A scheduler pins the routine CT: it goes to the top of both.
    await setOverride(testDb(), scheduler.id, ct.id, { kind: "pin", reason: "surgeon waiting" });
    await Promise.all([annaPage.next(), benPage.next()]);
    expect(shown(benPage.rows)).toEqual(["1 LIVE1 pinned", `2 LIVE2 by ${anna.name}`]);
    expect(shown(annaPage.rows)).toEqual(await fresh(anna));
    expect(shown(benPage.rows)).toEqual(await fresh(ben));

    // Anna marks it read: gone from both; the open count falls by what left.
    await markRead(testDb(), { id: anna.id, name: anna.name }, stat.id);
    const [a4] = await Promise.all([annaPage.next(), benPage.next()]);
    expect(a4.gone).toEqual([stat.id]);
    expect(shown(annaPage.rows)).toEqual(["1 LIVE1 pinned", "2 LIVE3"]);
    expect(shown(annaPage.rows)).toEqual(await fresh(anna));
    expect(shown(benPage.rows)).toEqual(await fresh(ben));

    // A critical MR verdict alerts Anna, who may read it, and not Ben, whose list does not hold it.
    await testDb().study.update({ where: { id: mr.id }, data: { aiStatus: "critical", scoredAt: new Date() } });
    await refreshPriorities(testDb(), [mr.id]);
    await notifyWorklist(testDb(), { type: "scored", studyId: mr.id, critical: true });
    const [a5, b5] = await Promise.all([annaPage.next(), benPage.next()]);
    expect(a5.critical).toBe(true);
    expect(b5.critical).toBe(false);
    expect(shown(annaPage.rows)).toEqual(await fresh(anna));

    // A change about no one study (routing, settings): the page asks again.
    await notifyWorklist(testDb(), { type: "routing", studyId: "" });
    expect(await annaPage.next()).toMatchObject({ refetch: true });
    // (A stream waiting for its next batch ends when the browser goes; here the test just leaves it.)
  });

  it("after the LISTEN connection drops and comes back, every open page asks again (what changed meanwhile was missed)", async () => {
    const anna = await makeUser(["radiologist"]);
    const page = await openPage(anna);
    await new Promise((r) => setTimeout(r, 300));
    // The web server's LISTEN connection, cut as a database restart or a network blip cuts it.
    const [cut] = await testDb().$queryRaw<{ n: bigint }[]>`
      SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = 'readnext-web-listen' AND datname = current_database()`;
    expect(Number(cut!.n)).toBeGreaterThanOrEqual(1);
    // It reconnects 2 s later (server/db/listen.ts) and tells every page to refetch.
    expect(await page.next()).toMatchObject({ refetch: true, rows: [] });
  }, 15_000);
});

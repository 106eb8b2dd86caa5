import { beforeEach, describe, expect, it } from "vitest";
import { backlogCellStudies, backlogCrossTab } from "@/server/department/backlog-cross-tab";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";

const now = new Date("2026-11-20T12:00:00Z");
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
let n = 0;

async function open(
  sourceId: string,
  s: {
    modalities: string[];
    priority: "STAT" | "ROUTINE" | null;
    waited: number;
    due?: number;
    state?: "UNREAD" | "CLAIMED" | "READ";
    claimedById?: string;
    accession?: string;
  },
) {
  return testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: `8.${++n}`,
      accessionNumber: s.accession ?? `A${n}`,
      modalities: s.modalities,
      orderPriority: s.priority,
      firstSeenAt: ago(s.waited),
      dueAt: s.due === undefined ? null : new Date(now.getTime() + s.due * 60_000),
      readingState: s.state ?? "UNREAD",
      claimedById: s.claimedById ?? null,
      readAt: s.state === "READ" ? ago(1) : null,
    },
  });
}

describe("the scheduler's backlog cross-tab: modality × priority × waiting time", () => {
  beforeEach(() => resetDatabase());

  it("counts open studies in their cells, with the age edges where the tiles put them", async () => {
    const s = await makeOfflineSource();
    const reader = await makeUser(["radiologist"]);
    await open(s, { modalities: ["CT"], priority: "STAT", waited: 59.9 }); // < 1 h
    await open(s, { modalities: ["CT"], priority: "STAT", waited: 60 }); // exactly 1 h: 1–4 h
    await open(s, { modalities: ["CT"], priority: "STAT", waited: 239, state: "CLAIMED", claimedById: reader.id });
    await open(s, { modalities: ["CT"], priority: "STAT", waited: 240 }); // exactly 4 h: 4–24 h
    await open(s, { modalities: ["CT"], priority: "STAT", waited: 1440 }); // exactly 24 h: > 24 h
    await open(s, { modalities: ["CT"], priority: "STAT", waited: 10, state: "READ" }); // read: not in the backlog
    await open(s, { modalities: ["PT", "CT"], priority: "ROUTINE", waited: 5000 });
    await open(s, { modalities: [], priority: null, waited: 1 });
    await open(s, { modalities: ["MR"], priority: "ROUTINE", waited: -5 }); // arrives after `now`

    expect(await backlogCrossTab(testDb(), now)).toEqual([
      { modality: "?", priority: "UNKNOWN", age: 0, count: 1 },
      { modality: "CT", priority: "STAT", age: 0, count: 1 },
      { modality: "CT", priority: "STAT", age: 1, count: 2 },
      { modality: "CT", priority: "STAT", age: 2, count: 1 },
      { modality: "CT", priority: "STAT", age: 3, count: 1 },
      { modality: "PT/CT", priority: "ROUTINE", age: 3, count: 1 },
    ]);
  });

  it("lists a cell's studies, soonest due first, with who holds them", async () => {
    const s = await makeOfflineSource();
    const reader = await makeUser(["radiologist"]);
    await open(s, { modalities: ["CT"], priority: "STAT", waited: 90, due: 30, accession: "LATER" });
    await open(s, {
      modalities: ["CT"],
      priority: "STAT",
      waited: 120,
      due: -10,
      accession: "OVERDUE",
      state: "CLAIMED",
      claimedById: reader.id,
    });
    await open(s, { modalities: ["CT"], priority: "STAT", waited: 30, due: -20, accession: "OTHER-CELL" });
    await open(s, { modalities: ["CT"], priority: "ROUTINE", waited: 100, due: -30, accession: "OTHER-PRIORITY" });

    const cell = await backlogCellStudies(testDb(), now, { modality: "CT", priority: "STAT", age: 1 }, 50);
    expect(cell.map((c) => [c.accessionNumber, c.claimedBy])).toEqual([
      ["OVERDUE", reader.name],
      ["LATER", null],
    ]);
    expect(cell[0]!.arrivedAt).toEqual(ago(120));
    expect(cell[0]!.dueAt).toEqual(new Date(now.getTime() - 10 * 60_000));
    expect(await backlogCellStudies(testDb(), now, { modality: "CT", priority: "STAT", age: 1 }, 1)).toHaveLength(1);
    expect(await backlogCellStudies(testDb(), now, { modality: "MR", priority: "STAT", age: 1 }, 50)).toEqual([]);
  });
});

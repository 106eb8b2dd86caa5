import { beforeEach, describe, expect, it } from "vitest";
import { clearanceForecast } from "@/server/department/clearance-forecast";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";

const T = new Date("2026-12-02T12:00:00Z");
const at = (minutes: number) => new Date(T.getTime() + minutes * 60_000);
let n = 0;

async function open(
  sourceId: string,
  accession: string,
  times: { dueAt: number; pinnedAt?: number; capAt?: number; firstSeenAt?: number },
) {
  await testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: `8.${++n}`,
      accessionNumber: accession,
      firstSeenAt: at(times.firstSeenAt ?? -60),
      dueAt: at(times.dueAt),
      pinnedAt: times.pinnedAt === undefined ? null : at(times.pinnedAt),
      capAt: times.capAt === undefined ? null : at(times.capAt),
      orderPriority: "HIGH",
      patientLocation: "ED",
    },
  });
}

async function read(sourceId: string, readerId: string, minutesAgo: number) {
  await testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: `8.${++n}`,
      firstSeenAt: at(-minutesAgo - 30),
      readingState: "READ",
      readAt: at(-minutesAgo),
      readById: readerId,
    },
  });
}

describe("the scheduler's clearance forecast", () => {
  beforeEach(() => resetDatabase());

  it("at the last two hours' read rate, says when the backlog clears and which studies would be late, in reading order", async () => {
    const s = await makeOfflineSource();
    const [r1, r2] = [await makeUser(["radiologist"]), await makeUser(["radiologist"])];
    // Four reads in the last two hours by two readers (one three hours ago does not count): 2 per hour, 30 min each.
    await read(s, r1.id, 30);
    await read(s, r2.id, 60);
    await read(s, r1.id, 90);
    await read(s, r2.id, 100);
    await read(s, r1.id, 180);
    // Reading order by hand: P (pinned 10 min ago), D (its wait cap passed 1 min ago: pinned then), then A, B, C by due time.
    await open(s, "P", { dueAt: 15, pinnedAt: -10 });
    await open(s, "D", { dueAt: 600, capAt: -1 });
    await open(s, "A", { dueAt: 50, capAt: 300 });
    await open(s, "B", { dueAt: 100 });
    await open(s, "C", { dueAt: 110 });

    const f = await clearanceForecast(testDb(), T);
    expect(f).toMatchObject({ basis: "recent-rate", open: 5, readsInWindow: 4, readers: 2, readsPerHour: 2 });
    if (f.basis !== "recent-rate") throw new Error("unreachable");
    // Read at +30 (P), +60 (D), +90 (A), +120 (B), +150 (C): all but D after their due times.
    expect(f.clearsAt).toEqual(at(150));
    expect(f.late).toBe(4);
    expect(f.lateStudies.map((l) => [l.accessionNumber, l.predictedReadAt, l.dueAt])).toEqual([
      ["P", at(30), at(15)],
      ["A", at(90), at(50)],
      ["B", at(120), at(100)],
      ["C", at(150), at(110)],
    ]);
    // The list stops at the limit; the count does not.
    expect(await clearanceForecast(testDb(), T, 2)).toMatchObject({
      late: 4,
      lateStudies: [{ accessionNumber: "P" }, { accessionNumber: "A" }],
    });
  });

  it("says it cannot forecast when nobody read in the last two hours", async () => {
    const s = await makeOfflineSource();
    const r = await makeUser(["radiologist"]);
    await read(s, r.id, 125);
    await open(s, "X", { dueAt: 30 });
    expect(await clearanceForecast(testDb(), T)).toEqual({ basis: "no-reads", open: 1, windowHours: 2 });
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { clearanceForecast } from "@/server/department/clearance-forecast";
import { clearanceForecastByGroup } from "@/server/department/group-forecast";
import { saveSetting } from "@/server/core/settings";
import { routingConfigSchema } from "@/lib/routing/routing-config";
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

  it("per reading group: each group's studies in its order, at the rate its own studies were read", async () => {
    const s = await makeOfflineSource();
    const admin = await makeUser(["admin"]);
    const r = await makeUser(["radiologist"]);
    expect(await clearanceForecastByGroup(testDb(), T)).toEqual([]); // routing off: no groups
    await saveSetting(
      testDb(),
      admin.id,
      "routing",
      routingConfigSchema.parse({
        groups: [
          { key: "neuro", label: "Neuro" },
          { key: "body", label: "Body" },
          { key: "msk", label: "MSK" },
        ],
        defaultGroup: "body",
      }),
    );
    const routed = async (group: string, f: () => Promise<void>) => {
      await f();
      await testDb().study.updateMany({ where: { routedGroup: null }, data: { routedGroup: group } });
    };
    // Neuro: 2 reads in two hours (one an hour, 60 min each); body: 4 (30 min each); MSK: none (one three hours ago).
    await routed("neuro", async () => {
      await read(s, r.id, 20);
      await read(s, r.id, 80);
      // Pinned N2 first (read at +60, due +200: on time), then N1 (+120, due +50: late).
      await open(s, "N1", { dueAt: 50 });
      await open(s, "N2", { dueAt: 200, pinnedAt: -5 });
    });
    await routed("body", async () => {
      for (const m of [10, 40, 70, 100]) await read(s, r.id, m);
      // In due order: B1 at +30 (due +20: late), B3 at +60 (due +80), B2 at +90 (due +85: late).
      await open(s, "B1", { dueAt: 20 });
      await open(s, "B2", { dueAt: 85 });
      await open(s, "B3", { dueAt: 80 });
    });
    await routed("msk", async () => {
      await read(s, r.id, 180);
      await open(s, "M1", { dueAt: 10 });
    });
    expect(await clearanceForecastByGroup(testDb(), T)).toEqual([
      { group: "neuro", label: "Neuro", open: 2, readsInWindow: 2, readsPerHour: 1, clearsAt: at(120), late: 1 },
      { group: "body", label: "Body", open: 3, readsInWindow: 4, readsPerHour: 2, clearsAt: at(90), late: 2 },
      { group: "msk", label: "MSK", open: 1, readsInWindow: 0, readsPerHour: 0, clearsAt: null, late: null },
    ]);
  });
});

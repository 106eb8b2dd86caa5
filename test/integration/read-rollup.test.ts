import { beforeEach, describe, expect, it } from "vitest";
import { claimStudy, markRead, markReadByAccession } from "@/server/worklist/claims";
import { NO_FILTERS } from "@/lib/worklist-filters";
import { slaTrend } from "@/server/department/sla-trend";
import { Random } from "@/lib/random";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { recomputedRollup as recomputed, storedRollup as stored } from "../support/read-rollup";

const T0 = new Date("2026-11-01T00:00:00Z").getTime();
const PRIORITIES = ["STAT", "HIGH", "ROUTINE", null] as const;

describe("the quarter-hour read rollup agrees with a full recomputation", () => {
  beforeEach(() => resetDatabase());

  it("through reads from the worklist and the RIS, history inserted already read, corrections, un-reads and deletes", async () => {
    const s = await makeOfflineSource();
    const reader = await makeUser(["radiologist"]);
    const rng = new Random(11);
    const at = (minutes: number) => new Date(T0 + minutes * 60_000);

    // History inserted already read, in one statement (as the demo loader and imports do).
    await testDb().study.createMany({
      data: Array.from({ length: 300 }, (_, i) => {
        const read = at(rng.range(0, 3 * 24 * 60));
        return {
          sourceId: s,
          studyInstanceUid: `h.${i}`,
          firstSeenAt: new Date(read.getTime() - 3600_000),
          readingState: "READ" as const,
          readAt: read,
          orderPriority: PRIORITIES[i % 4],
          dueAtWhenRead: i % 5 === 0 ? null : new Date(read.getTime() + rng.range(-60, 60) * 60_000),
        };
      }),
    });
    expect(await stored()).toEqual(await recomputed());

    // Open studies read through the worklist (claim, then Mark read) and one by the RIS.
    const open = await Promise.all(
      ["STAT", "ROUTINE", null, "HIGH"].map((p, i) =>
        testDb().study.create({
          data: {
            sourceId: s,
            studyInstanceUid: `o.${i}`,
            accessionNumber: `ACC-O${i}`,
            firstSeenAt: at(-30),
            orderPriority: p as "STAT" | "ROUTINE" | "HIGH" | null,
            dueAt: at(i * 10),
          },
        }),
      ),
    );
    for (const [i, study] of open.slice(0, 3).entries()) {
      await claimStudy(testDb(), reader, study.id, { filters: NO_FILTERS }, at(i));
      await markRead(testDb(), reader, study.id, at(5 + i * 7));
    }
    await markReadByAccession(testDb(), "ACC-O3", at(31));
    expect(await stored()).toEqual(await recomputed());

    // A read study's priority corrected, its due time corrected, a read undone, a read moved, deletions.
    const some = await testDb().study.findMany({ where: { readAt: { not: null } }, take: 40, orderBy: { id: "asc" } });
    for (const [i, st] of some.entries()) {
      if (i % 4 === 0) await testDb().study.update({ where: { id: st.id }, data: { orderPriority: "LOW" } });
      if (i % 4 === 1) await testDb().study.update({ where: { id: st.id }, data: { dueAtWhenRead: null } });
      if (i % 4 === 2)
        await testDb().study.update({ where: { id: st.id }, data: { readAt: null, readingState: "UNREAD" } });
      if (i % 4 === 3) await testDb().study.update({ where: { id: st.id }, data: { readAt: at(4000 + i) } });
    }
    await testDb().study.deleteMany({ where: { studyInstanceUid: { startsWith: "h.1" } } });
    // Unrelated changes (a claim's heartbeat, a priority refresh's due time) leave it alone.
    await testDb().study.updateMany({ data: { updatedAt: at(9999) } });
    expect(await stored()).toEqual(await recomputed());
    expect((await stored()).length).toBeGreaterThan(100);
  });

  it("the SLA trend read from it equals the same figures counted from every read study", async () => {
    const s = await makeOfflineSource();
    const rng = new Random(3);
    await testDb().study.createMany({
      data: Array.from({ length: 500 }, (_, i) => {
        const read = new Date(T0 + rng.range(0, 10 * 24 * 60) * 60_000);
        return {
          sourceId: s,
          studyInstanceUid: `t.${i}`,
          firstSeenAt: new Date(read.getTime() - 3600_000),
          readingState: "READ" as const,
          readAt: read,
          orderPriority: PRIORITIES[i % 4],
          dueAtWhenRead: i % 7 === 0 ? null : new Date(read.getTime() + rng.range(-90, 60) * 60_000),
        };
      }),
    });
    const now = new Date(T0 + 11 * 24 * 3600_000);
    for (const tz of ["America/New_York", "Asia/Kolkata", "UTC"]) {
      const direct = await testDb().$queryRaw<
        { day: string; priority: string; read: number; withDue: number; byDue: number }[]
      >`
        SELECT to_char(("readAt" AT TIME ZONE 'UTC') AT TIME ZONE ${tz}, 'YYYY-MM-DD') AS day,
               COALESCE("orderPriority"::text, 'UNKNOWN') AS priority, count(*)::int AS read,
               count("dueAtWhenRead")::int AS "withDue", (count(*) FILTER (WHERE "readAt" <= "dueAtWhenRead"))::int AS "byDue"
          FROM "Study"
         WHERE "readAt" >= (((date_trunc('day', ${now}::timestamptz AT TIME ZONE ${tz}) - interval '6 days') AT TIME ZONE ${tz}) AT TIME ZONE 'UTC')
         GROUP BY 1, 2 ORDER BY 1, 2`;
      expect(await slaTrend(testDb(), now, 7, tz), tz).toEqual(direct);
    }
  });
});

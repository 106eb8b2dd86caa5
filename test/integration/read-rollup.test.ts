import { beforeEach, describe, expect, it } from "vitest";
import { claimStudy, markRead, markReadByAccession } from "@/server/worklist/claims";
import { NO_FILTERS } from "@/lib/worklist-filters";
import { slaTrend } from "@/server/department/sla-trend";
import { Random } from "@/lib/random";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import {
  recomputedArrivals,
  recomputedRollup as recomputed,
  storedArrivals,
  storedRollup as stored,
} from "../support/read-rollup";
import { hourlyLoad } from "@/server/department/hourly-load";
import { lastDays } from "../support/chair-scope";

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

  it("the arrival rollup follows studies inserted one by one and in bulk, arrival times corrected, and deletes", async () => {
    const s = await makeOfflineSource();
    const rng = new Random(5);
    const at = (minutes: number) => new Date(T0 + minutes * 60_000);
    await testDb().study.createMany({
      data: Array.from({ length: 200 }, (_, i) => ({
        sourceId: s,
        studyInstanceUid: `a.${i}`,
        firstSeenAt: at(rng.range(0, 2 * 24 * 60)),
      })),
    });
    // One statement, several studies in one bucket (12:00–12:14), one on the next bucket's edge.
    await testDb().study.createMany({
      data: [0, 7, 14.99, 15].map((m, i) => ({ sourceId: s, studyInstanceUid: `e.${i}`, firstSeenAt: at(720 + m) })),
    });
    await testDb().study.create({ data: { sourceId: s, studyInstanceUid: "one", firstSeenAt: at(3) } });
    expect(await storedArrivals()).toEqual(await recomputedArrivals());
    expect(
      (await storedArrivals()).find((r) => r.bucket.getTime() === at(720).getTime())?.arrived,
    ).toBeGreaterThanOrEqual(3);

    const some = await testDb().study.findMany({ take: 30, orderBy: { id: "asc" } });
    for (const [i, st] of some.entries())
      // Moved to another bucket, or within its own (which leaves it as it was).
      await testDb().study.update({
        where: { id: st.id },
        data: { firstSeenAt: new Date(st.firstSeenAt.getTime() + (i % 2 ? 90 : 1) * 60_000) },
      });
    await testDb().study.deleteMany({ where: { studyInstanceUid: { startsWith: "a.1" } } });
    await testDb().study.updateMany({ data: { updatedAt: at(9999) } });
    expect(await storedArrivals()).toEqual(await recomputedArrivals());
  });

  it("the heat map read from the rollups equals arrivals and reads counted from every study", async () => {
    const s = await makeOfflineSource();
    const rng = new Random(9);
    // Two weeks back from `now` take in Sun 1 Nov 2026, New York's DST end, and days before the range.
    const now = new Date(T0 + 10 * 24 * 3600_000 + 5 * 3600_000 + 7 * 60_000);
    await testDb().study.createMany({
      data: Array.from({ length: 600 }, (_, i) => {
        const arrived = new Date(T0 + rng.range(-17 * 24 * 60, 10 * 24 * 60) * 60_000 + rng.range(0, 59_999));
        const readAt = new Date(arrived.getTime() + rng.range(1, 600) * 60_000);
        // Nothing after `now`: the rollups count the bucket `now` falls in, which has nothing later yet.
        const read = i % 3 && readAt <= now ? readAt : null;
        return {
          sourceId: s,
          studyInstanceUid: `m.${i}`,
          firstSeenAt: arrived < now ? arrived : now,
          readingState: read ? ("READ" as const) : ("UNREAD" as const),
          readAt: read,
        };
      }),
    });
    // Both of New York's clocks, a +5:45 zone, and UTC.
    for (const tz of ["America/New_York", "Asia/Kathmandu", "UTC"]) {
      const direct = await testDb().$queryRaw<{ weekday: number; hour: number; arrived: number; read: number }[]>`
        WITH since AS (SELECT (((date_trunc('day', ${now}::timestamptz AT TIME ZONE ${tz}) - interval '13 days') AT TIME ZONE ${tz}) AT TIME ZONE 'UTC') AS t),
        e AS (SELECT "firstSeenAt" AS at, 1 AS a, 0 AS r FROM "Study" UNION ALL SELECT "readAt", 0, 1 FROM "Study" WHERE "readAt" IS NOT NULL)
        SELECT extract(isodow FROM (at AT TIME ZONE 'UTC') AT TIME ZONE ${tz})::int AS weekday,
               extract(hour FROM (at AT TIME ZONE 'UTC') AT TIME ZONE ${tz})::int AS hour, sum(a)::int AS arrived, sum(r)::int AS read
          FROM e, since WHERE at >= since.t AND at <= ${now} GROUP BY 1, 2 ORDER BY 1, 2`;
      expect(direct.length, tz).toBeGreaterThan(100);
      expect(await hourlyLoad(testDb(), await lastDays(now, 14, tz), tz), tz).toEqual(direct);
    }
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
      expect(await slaTrend(testDb(), await lastDays(now, 7, tz), tz), tz).toEqual(direct);
    }
  });
});

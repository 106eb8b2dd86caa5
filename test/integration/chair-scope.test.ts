import { beforeEach, describe, expect, it } from "vitest";
import { scopeBounds } from "@/server/department/chair-scope-sql";
import { turnaroundByStage } from "@/server/department/turnaround-by-stage";
import { slaTrend } from "@/server/department/sla-trend";
import { hourlyLoad } from "@/server/department/hourly-load";
import { aiAccuracy } from "@/server/department/ai-accuracy";
import { readingByReader } from "@/server/department/reading-by-reader";
import { NO_CHAIR_FILTERS, type ChairFilters } from "@/lib/chair-scope";
import { STARTER_RVU_TABLE } from "@/lib/routing/rvu";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";

const TZ = "America/New_York";
// Sunday 1 November 2026, the day New York left daylight saving at 02:00 EDT (06:00 UTC): 25 hours.
const DAY = { from: "2026-11-01", to: "2026-11-01" };
const only = (f: Partial<ChairFilters>): ChairFilters => ({ ...NO_CHAIR_FILTERS, ...f });
const z = (iso: string) => new Date(`${iso}Z`);

describe("the chair's range and filters", () => {
  let a: string, b: string, reader: string;
  const ids: string[] = [];

  beforeEach(async () => {
    await resetDatabase();
    ids.length = 0;
    [a, b] = [await makeOfflineSource(), await makeOfflineSource()];
    reader = (await makeUser(["radiologist"])).id;
    const study = async (
      sourceId: string,
      d: {
        modality: string;
        priority: "STAT" | "ROUTINE" | null;
        location: "ED" | "INPATIENT" | "OUTPATIENT";
        group: string | null;
        arrived: string;
        claimed?: string;
        read: string;
        due?: string;
      },
    ) => {
      const s = await testDb().study.create({
        data: {
          sourceId,
          studyInstanceUid: `7.${ids.length + 1}`,
          modalities: [d.modality],
          orderPriority: d.priority,
          patientLocation: d.location,
          routedGroup: d.group,
          firstSeenAt: z(d.arrived),
          claimedAt: d.claimed ? z(d.claimed) : null,
          readingState: "READ",
          readAt: z(d.read),
          readById: reader,
          dueAtWhenRead: d.due ? z(d.due) : null,
        },
      });
      ids.push(s.id);
    };
    // Wait, reading and total in minutes, and where each falls on New York's clock:
    // 1: 10 / 20 / 30, arrived 01:00 EDT, read 01:30 EDT, after its due time.
    await study(a, {
      modality: "CT",
      priority: "STAT",
      location: "ED",
      group: "neuro",
      arrived: "2026-11-01T05:00",
      claimed: "2026-11-01T05:10",
      read: "2026-11-01T05:30",
      due: "2026-11-01T05:20",
    });
    // 2: 60 / 30 / 90, arrived 05:00 EST, read 06:30 EST, by its due time.
    await study(a, {
      modality: "MR",
      priority: "ROUTINE",
      location: "OUTPATIENT",
      group: "body",
      arrived: "2026-11-01T10:00",
      claimed: "2026-11-01T11:00",
      read: "2026-11-01T11:30",
      due: "2026-11-01T12:00",
    });
    // 3: 20 / 30 / 50, arrived 23:00 EST, read 23:50 EST: still 1 November only because the day had 25 hours.
    await study(b, {
      modality: "CT",
      priority: "ROUTINE",
      location: "INPATIENT",
      group: "body",
      arrived: "2026-11-02T04:00",
      claimed: "2026-11-02T04:20",
      read: "2026-11-02T04:50",
      due: "2026-11-02T05:00",
    });
    // 4: read 00:40 EST on 2 November, and 5: arrived and read on 31 October (EDT): outside the day.
    await study(b, {
      modality: "CT",
      priority: null,
      location: "ED",
      group: null,
      arrived: "2026-11-02T05:30",
      read: "2026-11-02T05:40",
    });
    await study(a, {
      modality: "CT",
      priority: "STAT",
      location: "ED",
      group: "neuro",
      arrived: "2026-11-01T03:00",
      read: "2026-11-01T03:50",
    });
  });

  it("turns department days into instants, a DST day 25 hours long", async () => {
    expect(await scopeBounds(testDb(), DAY, TZ)).toEqual({
      since: z("2026-11-01T04:00:00"),
      until: z("2026-11-02T05:00:00"),
    });
    // A spring-forward day is 23 hours: 8 March 2026.
    expect(await scopeBounds(testDb(), { from: "2026-03-08", to: "2026-03-08" }, TZ)).toEqual({
      since: z("2026-03-08T05:00:00"),
      until: z("2026-03-09T04:00:00"),
    });
  });

  it("turnaround by stage counts only the day's reads that pass the filters", async () => {
    const bounds = await scopeBounds(testDb(), DAY, TZ);
    const all = async (f: ChairFilters) =>
      (await turnaroundByStage(testDb(), bounds, f)).find((r) => r.group === "all");
    expect(await all(NO_CHAIR_FILTERS)).toMatchObject({ read: 3, waitP50: 20, readingP50: 30, totalP50: 50 });
    // CT: studies 1 and 3. Medians of two values are their mean; p90 = 30 + 0.9 × (50 − 30).
    expect(await all(only({ modalities: ["CT"] }))).toMatchObject({
      read: 2,
      waitP50: 15,
      readingP50: 25,
      totalP50: 40,
      totalP90: 48,
    });
    expect(await all(only({ sources: [b] }))).toMatchObject({ read: 1, totalP50: 50 });
    expect(await all(only({ groups: ["body"] }))).toMatchObject({ read: 2, totalP50: 70 });
    expect(await all(only({ priorities: ["STAT"], locations: ["ED"] }))).toMatchObject({ read: 1, totalP50: 30 });
    expect(await all(only({ priorities: ["UNKNOWN"] }))).toMatchObject({ read: 0, totalP50: null });
  });

  it("the SLA trend filters by priority in the rollup and by anything else on the studies, to the same figures", async () => {
    const bounds = await scopeBounds(testDb(), DAY, TZ);
    const stat = { day: "2026-11-01", priority: "STAT", read: 1, withDue: 1, byDue: 0 };
    const routine = { day: "2026-11-01", priority: "ROUTINE", read: 2, withDue: 2, byDue: 2 };
    expect(await slaTrend(testDb(), bounds, TZ)).toEqual([routine, stat]);
    expect(await slaTrend(testDb(), bounds, TZ, only({ priorities: ["STAT"] }))).toEqual([stat]);
    expect(await slaTrend(testDb(), bounds, TZ, only({ locations: ["INPATIENT"] }))).toEqual([
      { ...routine, read: 1, withDue: 1, byDue: 1 },
    ]);
    expect(await slaTrend(testDb(), bounds, TZ, only({ modalities: ["CT"] }))).toEqual([
      { ...routine, read: 1, withDue: 1, byDue: 1 },
      stat,
    ]);
    // Filtered on the studies by nothing but a source that has all of them: the rollup's figures.
    expect(await slaTrend(testDb(), bounds, TZ, only({ sources: [a, b] }))).toEqual([routine, stat]);
  });

  it("the heat map reads the rollups unfiltered and the studies filtered", async () => {
    const bounds = await scopeBounds(testDb(), DAY, TZ);
    expect(await hourlyLoad(testDb(), bounds, TZ)).toEqual([
      { weekday: 7, hour: 1, arrived: 1, read: 1 },
      { weekday: 7, hour: 5, arrived: 1, read: 0 },
      { weekday: 7, hour: 6, arrived: 0, read: 1 },
      { weekday: 7, hour: 23, arrived: 1, read: 1 },
    ]);
    expect(await hourlyLoad(testDb(), bounds, TZ, only({ sources: [a] }))).toEqual([
      { weekday: 7, hour: 1, arrived: 1, read: 1 },
      { weekday: 7, hour: 5, arrived: 1, read: 0 },
      { weekday: 7, hour: 6, arrived: 0, read: 1 },
    ]);
  });

  it("reading by reader and AI accuracy count only the filtered studies' reads, claims and results", async () => {
    const bounds = await scopeBounds(testDb(), DAY, TZ);
    for (const [i, id] of ids.entries())
      await testDb().auditEvent.create({
        data: {
          actorId: reader,
          action: i === 0 ? "study.claim-out-of-order" : "study.claim",
          studyId: id,
          at: z("2026-11-01T12:00"),
        },
      });
    await testDb().aiResult.createMany({
      data: ids.slice(0, 3).map((studyId) => ({
        studyId,
        modelId: "m",
        modelVersion: "1",
        studyRevision: 1,
        status: "SCORED" as const,
        probability: 0.5,
        createdAt: z("2026-11-01T12:00"),
      })),
    });
    const week = async (f: ChairFilters) =>
      (await readingByReader(testDb(), bounds, TZ, STARTER_RVU_TABLE, f)).map((r) => [
        r.week,
        r.reads,
        r.claims,
        r.outOfOrder,
      ]);
    // Weeks start on Monday: 1 November is the Sunday of the week of 26 October.
    expect(await week(NO_CHAIR_FILTERS)).toEqual([["2026-10-26", 3, 5, 1]]);
    expect(await week(only({ modalities: ["MR"] }))).toEqual([["2026-10-26", 1, 1, 0]]);
    expect(await week(only({ priorities: ["STAT"] }))).toEqual([["2026-10-26", 1, 2, 1]]);
    const scored = async (f: ChairFilters) => (await aiAccuracy(testDb(), bounds, f)).map((m) => m.scored);
    expect(await scored(NO_CHAIR_FILTERS)).toEqual([3]);
    expect(await scored(only({ sources: [b] }))).toEqual([1]);
    expect(await scored(only({ groups: ["missing"] }))).toEqual([]);
  });
});

import { beforeEach, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { turnaroundByStage } from "@/server/department/turnaround-by-stage";
import { syncTurnaroundRollupZone, turnaroundRollupZone } from "@/server/department/turnaround-rollup";
import { scopeBounds } from "@/server/department/chair-scope-sql";
import { NO_CHAIR_FILTERS, type ChairFilters } from "@/lib/chair-scope";
import { Random } from "@/lib/random";
import { makeOfflineSource, resetDatabase, testDb } from "../support/db";

const BERLIN = "Europe/Berlin";
const z = (iso: string) => new Date(`${iso}Z`);
const minutes = (m: number) => m * 60_000;
let n = 0;

type Read = {
  readAt: Date;
  wait: number | null;
  reading: number;
  priority?: "STAT" | "ROUTINE" | null;
  location?: "ED" | "OUTPATIENT";
  critical?: boolean;
  modality?: string;
};

async function read(sourceId: string, r: Read): Promise<string> {
  const claimedAt = new Date(r.readAt.getTime() - minutes(r.reading));
  const study = await testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: `7.${++n}`,
      modalities: [r.modality ?? "CT"],
      firstSeenAt: new Date(claimedAt.getTime() - minutes(r.wait ?? 0)),
      claimedAt: r.wait === null ? null : claimedAt,
      readAt: r.readAt,
      readingState: "READ",
      orderPriority: r.priority === undefined ? "STAT" : r.priority,
      patientLocation: r.location ?? "ED",
      aiStatus: r.critical ? "critical" : null,
    },
  });
  return study.id;
}

type RollupRow = {
  span: string;
  period: string;
  priority: string;
  location: string;
  critical: boolean;
  stage: number;
  bucket: number;
  n: number;
};
const rollup = () =>
  testDb().$queryRaw<RollupRow[]>`
    SELECT span, period::text AS period, priority, location, critical, stage::int AS stage, bucket::int AS bucket, n
      FROM "TurnaroundRollup" WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7`;

describe("the turnaround rollup", () => {
  let source: string;
  beforeEach(async () => {
    await resetDatabase();
    source = await makeOfflineSource();
  });

  it("counts each stage's bucket on the read's department day and month, across a DST change", async () => {
    expect(await syncTurnaroundRollupZone(testDb(), BERLIN)).toBe(true);
    // Berlin went to summer time at 01:00 UTC on Sunday 29 March 2026. 22:59 UTC on the 28th is
    // 23:59 local (28th); 23:30 UTC is 00:30 on the 29th; 01:30 UTC on the 29th is 03:30 CEST.
    await read(source, { readAt: z("2026-03-28T22:59:00"), wait: 20, reading: 5 });
    await read(source, { readAt: z("2026-03-28T23:30:00"), wait: 20, reading: 5 });
    await read(source, {
      readAt: z("2026-03-29T01:30:00"),
      wait: null,
      reading: 10,
      priority: null,
      location: "OUTPATIENT",
      critical: true,
    });
    // Buckets by hand (Python: ceil(log(m / 0.1) / log(1.04))): 20 min → 136, 5 → 100, 25 → 141, 10 → 118.
    const row = (
      span: string,
      period: string,
      stage: number,
      bucket: number,
      count: number,
      o: Partial<RollupRow> = {},
    ) => ({
      span,
      period,
      priority: "STAT",
      location: "ED",
      critical: false,
      stage,
      bucket,
      n: count,
      ...o,
    });
    const unknown = { priority: "UNKNOWN", location: "OUTPATIENT", critical: true };
    expect(await rollup()).toEqual([
      row("d", "2026-03-28", 1, 136, 1),
      row("d", "2026-03-28", 2, 100, 1),
      row("d", "2026-03-28", 3, 141, 1),
      row("d", "2026-03-29", 1, 136, 1),
      row("d", "2026-03-29", 2, 100, 1),
      row("d", "2026-03-29", 3, 141, 1),
      // Marked read by the RIS, never claimed: total only.
      row("d", "2026-03-29", 3, 118, 1, unknown),
      row("m", "2026-03-01", 1, 136, 2),
      row("m", "2026-03-01", 2, 100, 2),
      row("m", "2026-03-01", 3, 141, 2),
      row("m", "2026-03-01", 3, 118, 1, unknown),
    ]);
  });

  it("stays equal to a full recount through reads, corrections, a read undone and deletes", async () => {
    await syncTurnaroundRollupZone(testDb(), BERLIN);
    const db = testDb();
    const a = await read(source, { readAt: z("2026-05-10T10:00:00"), wait: 30, reading: 7 });
    const b = await read(source, { readAt: z("2026-05-31T22:30:00"), wait: 3, reading: 2 });
    const c = await read(source, { readAt: z("2026-06-02T08:00:00"), wait: 90, reading: 15, priority: "ROUTINE" });
    // An open study, then Mark read.
    const open = await db.study.create({
      data: {
        sourceId: source,
        studyInstanceUid: `7.${++n}`,
        firstSeenAt: z("2026-06-03T08:00:00"),
        patientLocation: "ED",
      },
    });
    await db.study.update({ where: { id: open.id }, data: { claimedAt: z("2026-06-03T08:12:00") } });
    await db.study.update({ where: { id: open.id }, data: { readAt: z("2026-06-03T08:20:00"), readingState: "READ" } });
    // Corrections to read studies: re-claimed, a new priority, a late AI verdict, a new location.
    await db.study.update({ where: { id: a }, data: { claimedAt: z("2026-05-10T09:58:00") } });
    await db.study.update({ where: { id: b }, data: { orderPriority: "ROUTINE" } });
    await db.study.update({ where: { id: c }, data: { aiStatus: "critical" } });
    await db.study.update({ where: { id: c }, data: { patientLocation: "OUTPATIENT" } });
    // A read undone, and a study deleted.
    await db.study.update({ where: { id: b }, data: { readAt: null, readingState: "UNREAD" } });
    await db.study.delete({ where: { id: a } });
    const kept = await rollup();
    expect(kept.reduce((sum, r) => sum + r.n, 0)).toBe(2 * (3 + 3)); // two read studies left, three stages, day + month
    await db.$queryRaw`SELECT "turnaround_rollup_rebuild"(${BERLIN}, true)`;
    expect(await rollup()).toEqual(kept);
  });

  it("gives percentiles within 2% of the exact ones over whole months and the days at either end", async () => {
    await syncTurnaroundRollupZone(testDb(), BERLIN);
    const random = new Random(7);
    const reads: Read[] = [];
    for (let i = 0; i < 600; i++) {
      // Read between 10 January and 20 April 2026 (a DST change inside), waits skewed short, some never claimed.
      const readAt = new Date(z("2026-01-10T00:00:00").getTime() + random.next() * 100 * 86_400_000);
      reads.push({
        readAt,
        wait: i % 17 === 0 ? null : 0.05 + 240 * random.next() ** 2,
        reading: 1 + 30 * random.next(),
        priority: i % 3 === 0 ? "STAT" : i % 3 === 1 ? "ROUTINE" : null,
        location: i % 2 ? "ED" : "OUTPATIENT",
        critical: i % 11 === 0,
      });
    }
    for (const r of reads) await read(source, r);
    // 15 January to 10 April: February and March whole, 17 days of January and 10 of April.
    const days = { from: "2026-01-15", to: "2026-04-10", timeZone: BERLIN };
    const bounds = await scopeBounds(testDb(), days, BERLIN);
    const compare = async (filters: ChairFilters) => {
      const exact = await turnaroundByStage(testDb(), bounds, filters, days, 1_000_000);
      const histogram = await turnaroundByStage(testDb(), bounds, filters, days, 10);
      expect(exact.every((r) => !r.approximate)).toBe(true);
      expect(histogram.every((r) => r.approximate)).toBe(true);
      expect(histogram.map((r) => [r.label, r.read, r.claimed])).toEqual(
        exact.map((r) => [r.label, r.read, r.claimed]),
      );
      for (const [i, h] of histogram.entries()) {
        for (const k of ["waitP50", "waitP90", "readingP50", "readingP90", "totalP50", "totalP90"] as const) {
          const e = exact[i]![k]!;
          // 2% of the value, plus the tenth of a minute both are rounded to.
          expect(Math.abs(h[k]! - e), `${h.label} ${k}: ${h[k]} vs ${e}`).toBeLessThanOrEqual(0.0196 * e + 0.1);
        }
      }
      return exact;
    };
    const all = await compare(NO_CHAIR_FILTERS);
    // Counted independently of both: the reads whose instant falls in the range.
    const inRange = reads.filter((r) => r.readAt >= bounds.since && r.readAt < bounds.until);
    expect(all[0]).toMatchObject({
      label: "All reads",
      read: inRange.length,
      claimed: inRange.filter((r) => r.wait !== null).length,
    });
    await compare({ ...NO_CHAIR_FILTERS, priorities: ["STAT", "UNKNOWN"], locations: ["ED"] });
  });

  it("answers exactly when a filter is one the rollup lacks, or its days are in another zone", async () => {
    await syncTurnaroundRollupZone(testDb(), BERLIN);
    for (let i = 0; i < 5; i++)
      await read(source, { readAt: z(`2026-02-0${i + 1}T12:00:00`), wait: 10 + i, reading: 3 });
    const days = { from: "2026-02-01", to: "2026-02-28", timeZone: BERLIN };
    const bounds = await scopeBounds(testDb(), days, BERLIN);
    const ct = await turnaroundByStage(testDb(), bounds, { ...NO_CHAIR_FILTERS, modalities: ["CT"] }, days, 1);
    expect(ct[0]).toMatchObject({ read: 5, waitP50: 12, approximate: false });
    expect((await turnaroundByStage(testDb(), bounds, NO_CHAIR_FILTERS, days, 1))[0]).toMatchObject({
      approximate: true,
    });

    // DEPARTMENT_TIME_ZONE changed: until the workers recount, the figures are exact.
    const newYork = { ...days, timeZone: "America/New_York" };
    expect((await turnaroundByStage(testDb(), bounds, NO_CHAIR_FILTERS, newYork, 1))[0]).toMatchObject({
      approximate: false,
    });
    expect(await syncTurnaroundRollupZone(testDb(), "America/New_York")).toBe(true);
    expect(await syncTurnaroundRollupZone(testDb(), "America/New_York")).toBe(false);
    expect(await turnaroundRollupZone(testDb())).toBe("America/New_York");
    // 12:00 UTC is 07:00 in New York: the same days.
    expect((await rollup()).filter((r) => r.span === "d").map((r) => r.period)).toContain("2026-02-05");
    expect((await turnaroundByStage(testDb(), bounds, NO_CHAIR_FILTERS, newYork, 1))[0]).toMatchObject({
      read: 5,
      approximate: true,
    });
    await expect(syncTurnaroundRollupZone(testDb(), "Mars/Olympus_Mons")).rejects.toThrow();

    // Every worker asks at start. With the zone unchanged it answers at once, even while a reader's
    // Mark read holds its lock on the rollup (a recount would wait for it, and hold up the next ones).
    const reader = new pg.Client({ connectionString: inject("databaseUrl") });
    await reader.connect();
    try {
      await reader.query(`BEGIN; LOCK TABLE "TurnaroundRollup" IN ROW EXCLUSIVE MODE`);
      const answer = syncTurnaroundRollupZone(testDb(), "America/New_York");
      const late = new Promise((r) => setTimeout(() => r("waited on the lock"), 3000));
      expect(await Promise.race([answer, late])).toBe(false);
    } finally {
      await reader.query("ROLLBACK");
      await reader.end();
    }
    expect(await turnaroundRollupZone(testDb())).toBe("America/New_York");
  });
});

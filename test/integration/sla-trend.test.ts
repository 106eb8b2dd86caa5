import { beforeEach, describe, expect, it } from "vitest";
import { slaTrend } from "@/server/department/sla-trend";
import { makeOfflineSource, resetDatabase, testDb } from "../support/db";
import { lastDays } from "../support/chair-scope";

let n = 0;
async function read(sourceId: string, readAt: string, due: string | null, priority: "STAT" | "ROUTINE" | null) {
  n++;
  const at = new Date(readAt);
  await testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: `7.${n}`,
      firstSeenAt: new Date(at.getTime() - 3600_000),
      readingState: "READ",
      readAt: at,
      dueAtWhenRead: due ? new Date(due) : null,
      orderPriority: priority,
    },
  });
}

describe("the chair's SLA trend per department day", () => {
  beforeEach(() => resetDatabase());

  it("counts days midnight to midnight in the department's time zone, across the end of daylight saving", async () => {
    const s = await makeOfflineSource();
    // New York left daylight saving on Sunday 1 November 2026 at 02:00 (EDT, UTC−4 → EST, UTC−5).
    await read(s, "2026-11-01T03:30:00Z", "2026-11-01T04:00:00Z", "STAT"); // Sat 31 Oct 23:30 EDT, in time
    await read(s, "2026-11-01T04:30:00Z", "2026-11-01T04:00:00Z", "STAT"); // Sun 1 Nov 00:30 EDT, late
    await read(s, "2026-11-02T04:30:00Z", "2026-11-02T05:00:00Z", "STAT"); // Sun 1 Nov 23:30 EST, in time
    await read(s, "2026-11-02T05:30:00Z", "2026-11-02T06:00:00Z", "ROUTINE"); // Mon 2 Nov 00:30 EST, in time
    await read(s, "2026-11-02T06:00:00Z", null, null); // Mon 2 Nov 01:00 EST, no due time kept
    const now = new Date("2026-11-02T12:00:00Z");

    expect(await slaTrend(testDb(), await lastDays(now, 3, "America/New_York"), "America/New_York")).toEqual([
      { day: "2026-10-31", priority: "STAT", read: 1, withDue: 1, byDue: 1 },
      { day: "2026-11-01", priority: "STAT", read: 2, withDue: 2, byDue: 1 },
      { day: "2026-11-02", priority: "ROUTINE", read: 1, withDue: 1, byDue: 1 },
      { day: "2026-11-02", priority: "UNKNOWN", read: 1, withDue: 0, byDue: 0 },
    ]);
    // The same reads in UTC days: 1 November holds the first two, 2 November the last three.
    expect(await slaTrend(testDb(), await lastDays(now, 3, "UTC"), "UTC")).toEqual([
      { day: "2026-11-01", priority: "STAT", read: 2, withDue: 2, byDue: 1 },
      { day: "2026-11-02", priority: "ROUTINE", read: 1, withDue: 1, byDue: 1 },
      { day: "2026-11-02", priority: "STAT", read: 1, withDue: 1, byDue: 1 },
      { day: "2026-11-02", priority: "UNKNOWN", read: 1, withDue: 0, byDue: 0 },
    ]);
    // Two New York days back from 2 November start at midnight EDT on 1 November: the Saturday read is out.
    expect(
      (await slaTrend(testDb(), await lastDays(now, 2, "America/New_York"), "America/New_York")).map((d) => d.day),
    ).toEqual(["2026-11-01", "2026-11-02", "2026-11-02"]);
  });

  it("is empty for a range without reads, and leaves out reads after now", async () => {
    const s = await makeOfflineSource();
    await read(s, "2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z", "STAT");
    expect(await slaTrend(testDb(), await lastDays(new Date("2026-11-10T12:00:00Z"), 7, "UTC"), "UTC")).toEqual([]);
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { hourlyLoad } from "@/server/department/hourly-load";
import { makeOfflineSource, resetDatabase, testDb } from "../support/db";
import { lastDays } from "../support/chair-scope";

let n = 0;
async function study(sourceId: string, arrived: string, read: string | null) {
  await testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: `9.${++n}`,
      firstSeenAt: new Date(arrived),
      readingState: read ? "READ" : "UNREAD",
      readAt: read ? new Date(read) : null,
    },
  });
}

describe("arrivals and reads by weekday × hour of the department's clock", () => {
  beforeEach(() => resetDatabase());

  it("puts each arrival and read in its local weekday and hour, across the end of daylight saving", async () => {
    const s = await makeOfflineSource();
    // New York left daylight saving on Sunday 1 November 2026 at 02:00 EDT: 01:00–02:00 happened twice.
    await study(s, "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"); // Sun 01:30 EDT, read at Sun 01:30 EST
    await study(s, "2026-10-27T03:59:00Z", "2026-10-27T04:10:00Z"); // arrived Mon 26 Oct 23:59 (before), read Tue 00:10
    await study(s, "2026-11-02T11:59:00Z", null); // Mon 2 Nov 06:59 EST
    await study(s, "2026-11-03T05:30:00Z", null); // Tue 3 Nov 00:30 EST: the day after the range
    await study(s, "2026-10-30T16:00:00Z", "2026-10-30T17:15:00Z"); // Fri 12:00 EDT, read 13:15
    const now = new Date("2026-11-02T12:00:00Z"); // Mon 2 Nov 07:00 EST; one week back: from Tue 27 Oct 00:00 EDT

    expect(await hourlyLoad(testDb(), await lastDays(now, 7, "America/New_York"), "America/New_York")).toEqual([
      { weekday: 1, hour: 6, arrived: 1, read: 0 },
      { weekday: 2, hour: 0, arrived: 0, read: 1 },
      { weekday: 5, hour: 12, arrived: 1, read: 0 },
      { weekday: 5, hour: 13, arrived: 0, read: 1 },
      { weekday: 7, hour: 1, arrived: 1, read: 1 },
    ]);
    // The same events on UTC's clock, from Tue 27 Oct 00:00 UTC.
    expect(await hourlyLoad(testDb(), await lastDays(now, 7, "UTC"), "UTC")).toEqual([
      { weekday: 1, hour: 11, arrived: 1, read: 0 },
      { weekday: 2, hour: 3, arrived: 1, read: 0 },
      { weekday: 2, hour: 4, arrived: 0, read: 1 },
      { weekday: 5, hour: 16, arrived: 1, read: 0 },
      { weekday: 5, hour: 17, arrived: 0, read: 1 },
      { weekday: 7, hour: 5, arrived: 1, read: 0 },
      { weekday: 7, hour: 6, arrived: 0, read: 1 },
    ]);
  });

  it("adds up the same weekday and hour over several weeks, and is empty for a range without events", async () => {
    const s = await makeOfflineSource();
    // Three Wednesdays at 09:xx UTC, the first one more than two weeks back.
    await study(s, "2026-11-04T09:05:00Z", "2026-11-04T09:50:00Z");
    await study(s, "2026-11-11T09:10:00Z", "2026-11-11T09:20:00Z");
    await study(s, "2026-11-18T09:59:00Z", "2026-11-18T10:00:00Z");
    const now = new Date("2026-11-20T12:00:00Z"); // Friday; two weeks back: from Sat 7 Nov 00:00
    expect(await hourlyLoad(testDb(), await lastDays(now, 14, "UTC"), "UTC")).toEqual([
      { weekday: 3, hour: 9, arrived: 2, read: 1 },
      { weekday: 3, hour: 10, arrived: 0, read: 1 },
    ]);
    expect(await hourlyLoad(testDb(), await lastDays(now, 21, "UTC"), "UTC")).toEqual([
      { weekday: 3, hour: 9, arrived: 3, read: 2 },
      { weekday: 3, hour: 10, arrived: 0, read: 1 },
    ]);
    expect(await hourlyLoad(testDb(), await lastDays(new Date("2026-10-01T00:00:00Z"), 28, "UTC"), "UTC")).toEqual([]);
  });
});

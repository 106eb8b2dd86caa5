import { beforeEach, describe, expect, it } from "vitest";
import { turnaroundByStage } from "@/server/department/turnaround-by-stage";
import { makeOfflineSource, resetDatabase, testDb } from "../support/db";
import { rolling } from "../support/chair-scope";

const now = new Date("2026-12-02T12:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
let n = 0;

/** A study read `readAgo` minutes ago after `wait` minutes waiting and `reading` minutes open (no claim: the RIS read it). */
async function read(
  sourceId: string,
  o: {
    readAgo: number;
    wait: number | null;
    reading: number;
    priority: "STAT" | "ROUTINE" | null;
    location: "ED" | "OUTPATIENT";
    critical?: boolean;
  },
) {
  const claimedAt = minutesAgo(o.readAgo + o.reading);
  await testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: `6.${++n}`,
      firstSeenAt: minutesAgo(o.readAgo + o.reading + (o.wait ?? 0)),
      claimedAt: o.wait === null ? null : claimedAt,
      readAt: minutesAgo(o.readAgo),
      readingState: "READ",
      orderPriority: o.priority,
      patientLocation: o.location,
      aiStatus: o.critical ? "critical" : null,
    },
  });
}

describe("turnaround by stage", () => {
  beforeEach(() => resetDatabase());

  it("gives medians and 90th percentiles of waiting, reading and total, for all, by AI flag and by class", async () => {
    const s = await makeOfflineSource();
    // STAT ED: waits 10, 20, 40; reading 5, 5, 10; totals 15, 25, 50. The 20-minute wait was AI-critical.
    await read(s, { readAgo: 60, wait: 10, reading: 5, priority: "STAT", location: "ED" });
    await read(s, { readAgo: 120, wait: 20, reading: 5, priority: "STAT", location: "ED", critical: true });
    await read(s, { readAgo: 180, wait: 40, reading: 10, priority: "STAT", location: "ED" });
    // A routine outpatient study the RIS marked read without a claim: 120 minutes in all, no stages.
    await read(s, { readAgo: 30, wait: null, reading: 120, priority: null, location: "OUTPATIENT" });
    // Read before the window: left out.
    await read(s, { readAgo: 8 * 24 * 60, wait: 1, reading: 1, priority: "STAT", location: "ED" });

    const rows = await turnaroundByStage(testDb(), rolling(now, 7));
    // percentile_cont by hand: [10, 20, 40] → median 20, p90 at position 0.9 × 2 = 1.8: 20 + 0.8 × 20 = 36.
    expect(rows).toEqual([
      {
        group: "all",
        label: "All reads",
        priority: null,
        location: null,
        read: 4,
        claimed: 3,
        waitP50: 20,
        waitP90: 36,
        readingP50: 5,
        readingP90: 9,
        // Totals 15, 25, 50, 120: median (25 + 50) / 2; p90 at 2.7: 50 + 0.7 × 70 = 99.
        totalP50: 37.5,
        totalP90: 99,
        approximate: false,
      },
      {
        group: "ai",
        label: "AI critical",
        priority: null,
        location: null,
        read: 1,
        claimed: 1,
        waitP50: 20,
        waitP90: 20,
        readingP50: 5,
        readingP90: 5,
        totalP50: 25,
        totalP90: 25,
        approximate: false,
      },
      {
        group: "ai",
        label: "not flagged",
        priority: null,
        location: null,
        read: 3,
        claimed: 2,
        waitP50: 25,
        waitP90: 37,
        readingP50: 7.5,
        readingP90: 9.5,
        totalP50: 50,
        totalP90: 106,
        approximate: false,
      },
      {
        group: "class",
        label: "STAT · ED",
        priority: "STAT",
        location: "ED",
        read: 3,
        claimed: 3,
        waitP50: 20,
        waitP90: 36,
        readingP50: 5,
        readingP90: 9,
        totalP50: 25,
        totalP90: 45,
        approximate: false,
      },
      {
        group: "class",
        label: "UNKNOWN · OUTPATIENT",
        priority: "UNKNOWN",
        location: "OUTPATIENT",
        read: 1,
        claimed: 0,
        waitP50: null,
        waitP90: null,
        readingP50: null,
        readingP90: null,
        totalP50: 120,
        totalP90: 120,
        approximate: false,
      },
    ]);
  });

  it("an empty range has one row, all reads: none", async () => {
    expect(await turnaroundByStage(testDb(), rolling(now, 7))).toEqual([
      expect.objectContaining({ group: "all", read: 0, claimed: 0, waitP50: null, totalP90: null }),
    ]);
  });
});

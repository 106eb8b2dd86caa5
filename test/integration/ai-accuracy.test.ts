import { beforeEach, describe, expect, it } from "vitest";
import { aiAccuracy } from "@/server/department/ai-accuracy";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { from } from "../support/chair-scope";

let n = 0;
const T0 = new Date("2026-11-20T10:00:00Z").getTime();
const min = (m: number) => new Date(T0 + m * 60_000);

/** One study scored once; `readAfter` minutes after the result it is read (null: still open). */
async function scored(
  sourceId: string,
  result: { flag: "critical" | "urgent" | null; readAfter: number | null; version?: string; at?: Date },
) {
  const createdAt = result.at ?? min(0);
  const study = await testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: `5.${++n}`,
      firstSeenAt: new Date(createdAt.getTime() - 60_000),
      readingState: result.readAfter === null ? "UNREAD" : "READ",
      readAt: result.readAfter === null ? null : new Date(createdAt.getTime() + result.readAfter * 60_000),
    },
  });
  return testDb().aiResult.create({
    data: {
      studyId: study.id,
      modelId: "ich-headct",
      modelVersion: result.version ?? "1.0.0",
      studyRevision: 1,
      status: "SCORED",
      probability: result.flag ? 0.9 : 0.1,
      critical: result.flag === "critical",
      urgent: result.flag === "urgent",
      createdAt,
    },
  });
}

describe("AI accuracy per model version, with review coverage and flag-to-read time", () => {
  beforeEach(() => resetDatabase());

  it("counts flags, reviews, dismissals, results without feedback and the median time from flag to read", async () => {
    const s = await makeOfflineSource();
    const [a, b] = [await makeUser(["radiologist"]), await makeUser(["radiologist"])];
    const feedback = async (resultId: string, userId: string, verdict: "confirmed" | "dismissed", at: number) =>
      testDb().aiFeedback.create({ data: { aiResultId: resultId, userId, verdict, at: min(at) } });

    const r1 = await scored(s, { flag: "critical", readAfter: 10 }); // confirmed
    const r2 = await scored(s, { flag: "urgent", readAfter: 30 }); // confirmed, then dismissed by a second reader
    await scored(s, { flag: "critical", readAfter: null }); // nobody reviewed it, still open
    const r4 = await scored(s, { flag: null, readAfter: 5 }); // agreed: nothing there
    const r5 = await scored(s, { flag: null, readAfter: 50 }); // a missed finding
    await scored(s, { flag: null, readAfter: null }); // nobody reviewed it
    const r7 = await scored(s, { flag: "critical", readAfter: 70 }); // confirmed
    // Flagged on a revision that came after the study was read: no flag-to-read time, and not unread.
    await scored(s, { flag: "critical", readAfter: -20 });
    // Another version, before the window: not counted.
    await scored(s, { flag: "critical", readAfter: 1, version: "0.9.0", at: new Date(T0 - 40 * 24 * 3600_000) });
    await feedback(r1.id, a.id, "confirmed", 11);
    await feedback(r2.id, a.id, "confirmed", 20);
    await feedback(r2.id, b.id, "dismissed", 25); // the latest word counts
    await feedback(r4.id, a.id, "confirmed", 6);
    await feedback(r5.id, a.id, "dismissed", 51);
    await feedback(r7.id, b.id, "confirmed", 71);

    const rows = await aiAccuracy(testDb(), from(new Date(T0 - 30 * 24 * 3600_000)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({
      modelId: "ich-headct",
      modelVersion: "1.0.0",
      scored: 8,
      flagged: 5,
      truePositive: 2,
      falsePositive: 1,
      trueNegative: 1,
      falseNegative: 1,
      reviewed: 5,
      sensitivity: 2 / 3,
      specificity: 1 / 2,
      ppv: 2 / 3,
      withoutFeedback: 3,
      dismissedFlags: 1,
      // Flags read after 10, 30 and 70 minutes (one still open): the median is 30.
      flagToReadP50: 30,
      flagsUnread: 1,
    });
  });

  it("interpolates the median between two reads, and has none when no flag was read", async () => {
    const s = await makeOfflineSource();
    await scored(s, { flag: "critical", readAfter: 12 });
    await scored(s, { flag: "urgent", readAfter: 27 });
    await scored(s, { flag: null, readAfter: 1 });
    expect((await aiAccuracy(testDb(), from(min(-60))))[0]).toMatchObject({ flagToReadP50: 19.5, flagsUnread: 0 });

    await resetDatabase();
    const t = await makeOfflineSource();
    await scored(t, { flag: "critical", readAfter: null });
    expect((await aiAccuracy(testDb(), from(min(-60))))[0]).toMatchObject({
      flagged: 1,
      flagToReadP50: null,
      flagsUnread: 1,
      withoutFeedback: 1,
      sensitivity: null,
    });
  });
});

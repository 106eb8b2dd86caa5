import { beforeEach, describe, expect, it } from "vitest";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { readingByReader } from "@/server/department/reading-by-reader";
import { STARTER_RVU_TABLE } from "@/lib/routing/rvu";
import { lastWeeks } from "../support/chair-scope";

let source: string;
let n = 0;

async function read(readById: string, at: string, modality: string, bodyPart: string) {
  n += 1;
  await testDb().study.create({
    data: {
      sourceId: source,
      studyInstanceUid: `1.2.826.99.${n}`,
      modalities: [modality],
      bodyPart,
      readingState: "READ",
      readAt: new Date(at),
      readById,
      firstSeenAt: new Date(new Date(at).getTime() - 3_600_000),
    },
  });
}
const claim = (actorId: string, at: string, outOfOrder = false) =>
  testDb().auditEvent.create({
    data: { actorId, action: outOfOrder ? "study.claim-out-of-order" : "study.claim", at: new Date(at), details: {} },
  });

beforeEach(async () => {
  await resetDatabase();
  source = await makeOfflineSource();
});

describe("reading by reader (the chair's cherry-picking view)", () => {
  it("counts reads, work RVUs, claims and out-of-order claims per reader and department week", async () => {
    const a = await makeUser(["radiologist"]);
    const b = await makeUser(["radiologist"]);
    // New York: Monday 30 Nov 03:00 UTC is Sunday 29 Nov 22:00 there, so it falls in the week of 23 Nov.
    await read(a.id, "2026-12-01T10:00:00Z", "CT", "HEAD"); // 0.85 (70450)
    await read(a.id, "2026-12-02T15:00:00Z", "CR", "chest"); // 0.22 (71046)
    await read(a.id, "2026-11-30T03:00:00Z", "MR", "KNEE"); // 1.35 (73721)
    await read(b.id, "2026-11-24T12:00:00Z", "US", "ABDOMEN"); // 0.81 (76700)
    await read(b.id, "2026-11-10T12:00:00Z", "US", "ABDOMEN"); // before the two weeks
    await claim(a.id, "2026-12-01T09:00:00Z");
    await claim(a.id, "2026-12-01T11:00:00Z");
    await claim(a.id, "2026-12-02T14:00:00Z", true);
    await claim(b.id, "2026-11-24T11:00:00Z", true);
    const rows = await readingByReader(
      testDb(),
      await lastWeeks(new Date("2026-12-03T12:00:00Z"), 2, "America/New_York"),
      "America/New_York",
      STARTER_RVU_TABLE,
    );
    const pick = (r: (typeof rows)[number]) => [r.week, r.readerId, r.reads, r.rvu, r.claims, r.outOfOrder];
    expect(rows.map(pick)).toEqual([
      ["2026-11-30", a.id, 2, 1.07, 3, 1],
      ...[
        ["2026-11-23", a.id, 1, 1.35, 0, 0],
        ["2026-11-23", b.id, 1, 0.81, 1, 1],
      ].sort((x, y) =>
        rows.find((r) => r.readerId === x[1])!.reader < rows.find((r) => r.readerId === y[1])!.reader ? -1 : 1,
      ),
    ]);
    expect(rows[0]!.reader).toBe(a.name);
  });
});

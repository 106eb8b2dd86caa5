import { beforeEach, describe, expect, it } from "vitest";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { readsByShift } from "@/server/department/reads-by-shift";
import { STARTER_RVU_TABLE } from "@/lib/routing/rvu";
import { NO_CHAIR_FILTERS } from "@/lib/chair-scope";
import { lastWeeks } from "../support/chair-scope";

let source: string;
let n = 0;

async function read(readById: string, at: string, modality: string, bodyPart: string, description = "") {
  n += 1;
  await testDb().study.create({
    data: {
      sourceId: source,
      studyInstanceUid: `1.2.826.98.${n}`,
      modalities: [modality],
      bodyPart,
      description,
      readingState: "READ",
      readAt: new Date(at),
      readById,
      firstSeenAt: new Date(new Date(at).getTime() - 3_600_000),
    },
  });
}
/** A duty change as server/routing and the lapsed-claim sweep audit it: the reader in details.userId. */
const duty = (userId: string, action: string, at: string) =>
  testDb().auditEvent.create({ data: { actorId: null, action, at: new Date(at), details: { userId } } });

beforeEach(async () => {
  await resetDatabase();
  source = await makeOfflineSource();
});

describe("RVUs read per reader per shift (the chair's view)", () => {
  it("counts reads and work RVUs per on-duty stretch from the audit trail, and per department day outside them", async () => {
    const a = await makeUser(["radiologist"]);
    const b = await makeUser(["radiologist"]);
    const c = await makeUser(["radiologist"]);
    const d = await makeUser(["radiologist"]);
    // A: on by the switch 08:00 New York (13:00 UTC), the schedule's shift starting five minutes
    // later changes nothing, off at 16:00; then a night shift 22:00–06:00 by the schedule.
    await duty(a.id, "reader.on-duty", "2026-12-01T13:00:00Z");
    await duty(a.id, "reader.shift-start", "2026-12-01T13:05:00Z");
    await duty(a.id, "reader.off-duty", "2026-12-01T21:00:00Z");
    await duty(a.id, "reader.shift-start", "2026-12-02T03:00:00Z");
    await duty(a.id, "reader.shift-end", "2026-12-02T11:00:00Z");
    await read(a.id, "2026-12-01T14:00:00Z", "CT", "HEAD"); // 0.85 (70450)
    await read(a.id, "2026-12-01T20:59:00Z", "CR", "chest"); // 0.22 (71046)
    await read(a.id, "2026-12-01T21:00:00Z", "MR", "KNEE"); // 1.35 (73721), as the shift ended: outside it, 1 Dec in New York
    await read(a.id, "2026-12-02T04:30:00Z", "US", "ABDOMEN"); // 0.81 (76700), night shift
    // B: no duty change until 2 Dec; two reads outside any shift, on New York's 29 and 30 Nov;
    // then on duty (still on) with one read.
    await read(b.id, "2026-11-30T03:00:00Z", "MR", "KNEE"); // 1.35, Sunday 29 Nov 22:00 in New York
    await read(b.id, "2026-11-30T12:00:00Z", "CT", "HEAD"); // 0.85
    await duty(b.id, "reader.on-duty", "2026-12-02T12:00:00Z");
    await read(b.id, "2026-12-02T13:00:00Z", "CT", "CHEST"); // 1.16 (71260)
    // C: on before the range (which starts Monday 23 Nov, New York), off inside it (a lapsed claim).
    await duty(c.id, "reader.on-duty", "2026-11-20T13:00:00Z");
    await duty(c.id, "reader.off-duty", "2026-11-25T00:00:00Z");
    await read(c.id, "2026-11-24T12:00:00Z", "US", "ABDOMEN"); // 0.81
    // D: a shift entirely before the range, and a shift in it with nothing read.
    await duty(d.id, "reader.on-duty", "2026-11-10T13:00:00Z");
    await duty(d.id, "reader.off-duty", "2026-11-10T21:00:00Z");
    await duty(d.id, "reader.shift-start", "2026-12-01T13:00:00Z");
    await duty(d.id, "reader.shift-end", "2026-12-01T21:00:00Z");

    const rows = await readsByShift(
      testDb(),
      await lastWeeks(new Date("2026-12-03T12:00:00Z"), 2, "America/New_York"),
      "America/New_York",
      STARTER_RVU_TABLE,
    );
    const iso = (v: Date | null) => v?.toISOString() ?? null;
    expect(rows.map((r) => [r.readerId, iso(r.start), iso(r.end), r.day, r.reads, r.rvu])).toEqual([
      [b.id, "2026-12-02T12:00:00.000Z", null, null, 1, 1.16],
      [a.id, "2026-12-02T03:00:00.000Z", "2026-12-02T11:00:00.000Z", null, 1, 0.81],
      // Same start: by name.
      ...[
        [a.id, "2026-12-01T13:00:00.000Z", "2026-12-01T21:00:00.000Z", null, 2, 1.07],
        [d.id, "2026-12-01T13:00:00.000Z", "2026-12-01T21:00:00.000Z", null, 0, 0],
      ].sort((x, y) => (name(x[0] as string) < name(y[0] as string) ? -1 : 1)),
      [a.id, null, null, "2026-12-01", 1, 1.35],
      [b.id, null, null, "2026-11-30", 1, 0.85],
      [b.id, null, null, "2026-11-29", 1, 1.35],
      [c.id, "2026-11-20T13:00:00.000Z", "2026-11-25T00:00:00.000Z", null, 1, 0.81],
    ]);
    function name(id: string) {
      return [a, b, c, d].find((u) => u.id === id)!.name;
    }
  });

  it("counts only the reads the chair's filters take in, and still lists the shifts", async () => {
    const a = await makeUser(["radiologist"]);
    await duty(a.id, "reader.on-duty", "2026-12-01T13:00:00Z");
    await read(a.id, "2026-12-01T14:00:00Z", "CT", "HEAD");
    await read(a.id, "2026-12-01T15:00:00Z", "CR", "CHEST");
    const rows = await readsByShift(
      testDb(),
      await lastWeeks(new Date("2026-12-03T12:00:00Z"), 1, "UTC"),
      "UTC",
      STARTER_RVU_TABLE,
      { ...NO_CHAIR_FILTERS, modalities: ["CR"] },
    );
    expect(rows.map((r) => [r.readerId, r.start?.toISOString(), r.reads, r.rvu])).toEqual([
      [a.id, "2026-12-01T13:00:00.000Z", 1, 0.22],
    ]);
  });
});

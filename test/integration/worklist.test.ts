import { beforeEach, describe, expect, it } from "vitest";
import { isMainThread } from "node:worker_threads";
import { once } from "node:events";
import { countWorklist, listWorklist } from "@/server/worklist/list-worklist";
import {
  breakClaim,
  claimNextCase,
  claimStudy,
  markRead,
  markReadByAccession,
  renewClaim,
  skipStudy,
} from "@/server/worklist/claims";
import { clearOverride, setOverride } from "@/server/worklist/overrides";
import { NotFoundError } from "@/server/core/errors";
import { refreshAllOpenPriorities, refreshPriorities } from "@/server/worklist/refresh-priority";
import { getStudyDetail } from "@/server/worklist/study-detail";
import { listOpenClaims } from "@/server/worklist/open-claims";
import { worklistEvents } from "@/server/worklist/live-events";
import { getPriorityConfig, saveSetting, DEFAULT_WORKLIST_RULES } from "@/server/core/settings";
import { DEFAULT_PRIORITY_CONFIG } from "@/lib/priority/sla";
import { rankStudies } from "@/lib/priority/engine";
import { priorityColumns, toPriorityInput, type PriorityColumns } from "@/server/worklist/priority-input";
import { NO_FILTERS } from "@/lib/worklist-filters";
import type { CurrentUser } from "@/server/auth/current-user";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { createDb, hotQuery } from "@/server/db/client";
import { env } from "@/server/env";
import { backlogSummary } from "@/server/department/department-metrics";
import { Prisma } from "@/server/db/generated/client";
import { createCaller } from "@/server/api/root";

let sourceId: string;
let n = 0;

async function addStudy(
  fields: {
    minutesAgo?: number;
    orderPriority?: "STAT" | "HIGH" | "ROUTINE" | null;
    patientLocation?: "ED" | "INPATIENT" | "OUTPATIENT";
    modalities?: string[];
    accessionNumber?: string;
    aiCritical?: boolean;
  } = {},
) {
  n += 1;
  const firstSeenAt = new Date(Date.now() - (fields.minutesAgo ?? 10) * 60_000);
  const study = await testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: `1.2.826.${n}`,
      accessionNumber: fields.accessionNumber ?? `ACC${n}`,
      firstSeenAt,
      orderPriority: fields.orderPriority === undefined ? "ROUTINE" : fields.orderPriority,
      patientLocation: fields.patientLocation ?? "OUTPATIENT",
      modalities: fields.modalities ?? ["CT"],
      ...(fields.aiCritical
        ? {
            aiStatus: "critical",
            aiFinding: "intracranial-bleed",
            aiProbability: 0.95,
            aiModelId: "ich-headct",
            aiModelVersion: "1.0.0",
            scoredAt: new Date(),
          }
        : {}),
    },
  });
  await refreshPriorities(testDb(), [study.id]);
  return study;
}

const asActor = (u: CurrentUser) => ({ id: u.id, name: u.name });

beforeEach(async () => {
  await resetDatabase();
  sourceId = await makeOfflineSource();
});

describe("the worklist order", () => {
  it("puts AI critical first, then scheduler pins by time, then due time; every row says why", async () => {
    const reader = await makeUser(["radiologist"]);
    const scheduler = await makeUser(["scheduler"]);
    await addStudy({ accessionNumber: "ROUTINE-OP", minutesAgo: 30 });
    await addStudy({ accessionNumber: "STAT-ED", orderPriority: "STAT", patientLocation: "ED", minutesAgo: 5 });
    await addStudy({ accessionNumber: "AI-CRIT", aiCritical: true, minutesAgo: 1 });
    const pinned = await addStudy({ accessionNumber: "PINNED", minutesAgo: 2 });
    await setOverride(testDb(), scheduler.id, pinned.id, { kind: "pin", reason: "surgeon waiting" });

    const { rows } = await listWorklist(testDb(), reader.id, { filters: NO_FILTERS, limit: 50, offset: 0 });
    expect(await countWorklist(testDb(), reader.id, NO_FILTERS)).toEqual({ total: 4, capped: false });
    expect(rows.map((r) => r.accessionNumber)).toEqual(["AI-CRIT", "PINNED", "STAT-ED", "ROUTINE-OP"]);
    expect(rows.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    for (const row of rows) expect(row.reasons.length).toBeGreaterThan(0);
    expect(rows[0]!.reasons[0]).toBe("AI: suspected intracranial bleed 0.95 (ich-headct 1.0.0)");
    expect(rows[1]!.reasons[0]).toMatch(new RegExp(`^pinned by ${scheduler.name} \\d\\d:\\d\\d: surgeon waiting$`));
    expect(rows[0]!.critical).toBe(true);
  });

  it("orders in SQL exactly as the engine ranks, on a mix of AI pins, scheduler pins, passed wait caps and plain due times, page by page and for Next case", async () => {
    const reader = await makeUser(["radiologist"]);
    const scheduler = await makeUser(["scheduler"]);
    // A seeded mix over two days, so many studies are past the 24 h cap and some are pinned and capped at once.
    let state = 42;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const now = Date.now();
    const studies = Array.from({ length: 90 }, (_, i) => {
      const firstSeenAt = new Date(now - Math.floor(random() * 48 * 60) * 60_000);
      const ai = pick(["critical", "urgent", "negative", null, null] as const);
      const pin = random() < 0.12;
      return {
        sourceId,
        studyInstanceUid: `2.25.${i}`,
        accessionNumber: `MIX${i}`,
        firstSeenAt,
        modalities: ["CT"],
        orderPriority: pick(["STAT", "HIGH", "ROUTINE", null] as const),
        patientLocation: pick(["ED", "INPATIENT", "OUTPATIENT"] as const),
        ...(ai
          ? {
              aiStatus: ai,
              aiFinding: "intracranial-bleed",
              aiProbability: 0.9,
              aiModelId: "ich-headct",
              aiModelVersion: "1.0.0",
              scoredAt: new Date(firstSeenAt.getTime() + 60_000),
            }
          : {}),
        ...(pin
          ? {
              overrideKind: "pin" as const,
              overrideAt: new Date(firstSeenAt.getTime() + 5 * 60_000),
              overrideById: scheduler.id,
              overrideReason: "clinician called",
            }
          : {}),
      };
    });
    await testDb().study.createMany({ data: studies });
    await refreshAllOpenPriorities(testDb());
    const at = new Date();
    const rows = (await testDb().study.findMany({ select: { ...priorityColumns } })) as PriorityColumns[];
    const engine = rankStudies(rows.map(toPriorityInput), DEFAULT_PRIORITY_CONFIG, at);
    const flaggedIds = new Set(
      rows.filter((r) => r.aiStatus === "critical" || r.aiStatus === "urgent").map((r) => r.id),
    );
    expect(engine.filter((s) => s.priority.pinSource === "cap").length).toBeGreaterThan(5);

    const whole = await listWorklist(testDb(), reader.id, { filters: NO_FILTERS, limit: 200, offset: 0 }, at);
    expect(whole.rows.map((r) => r.id)).toEqual(engine.map((s) => s.id));
    const paged: string[] = [];
    for (let offset = 0; offset < 90; offset += 7)
      paged.push(
        ...(await listWorklist(testDb(), reader.id, { filters: NO_FILTERS, limit: 7, offset }, at)).rows.map(
          (r) => r.id,
        ),
      );
    expect(paged).toEqual(engine.map((s) => s.id));
    const flagged = await listWorklist(
      testDb(),
      reader.id,
      { filters: { ...NO_FILTERS, aiFlaggedOnly: true }, limit: 5, offset: 0 },
      at,
    );
    expect(flagged.rows.map((r) => r.id)).toEqual(
      engine
        .filter((s) => flaggedIds.has(s.id))
        .slice(0, 5)
        .map((s) => s.id),
    );

    // Next case takes them in the same order, across pins, passed caps and due times.
    const taken: string[] = [];
    for (let i = 0; i < 90; i++) {
      const claim = await claimNextCase(testDb(), asActor(reader), NO_FILTERS, at);
      if (!("studyId" in claim)) break;
      expect(claim.alreadyHeld).toBe(false);
      taken.push(claim.studyId);
      await markRead(testDb(), asActor(reader), claim.studyId, at);
    }
    expect(taken).toEqual(engine.map((s) => s.id));
    expect(await claimNextCase(testDb(), asActor(reader), NO_FILTERS, at)).toEqual({ nothingLeft: true });
  });

  it("applies filters and hides studies the user skipped", async () => {
    const reader = await makeUser(["radiologist"]);
    await addStudy({ accessionNumber: "CT-1", modalities: ["CT"] });
    const xr = await addStudy({ accessionNumber: "XR-1", modalities: ["DX"] });
    const onlyCt = await listWorklist(testDb(), reader.id, {
      filters: { ...NO_FILTERS, modalities: ["ct"] },
      limit: 50,
      offset: 0,
    });
    expect(onlyCt.rows.map((r) => r.accessionNumber)).toEqual(["CT-1"]);
    await claimStudy(testDb(), asActor(reader), xr.id, { filters: NO_FILTERS });
    await skipStudy(testDb(), asActor(reader), xr.id, "outside my subspecialty");
    expect(
      (await listWorklist(testDb(), reader.id, { filters: NO_FILTERS, limit: 50, offset: 0 })).rows.map(
        (r) => r.accessionNumber,
      ),
    ).toEqual(["CT-1"]);
    const colleague = await makeUser(["radiologist"]);
    expect((await countWorklist(testDb(), colleague.id, NO_FILTERS)).total).toBe(2);
    expect(
      (
        await listWorklist(testDb(), colleague.id, {
          filters: { ...NO_FILTERS, priorities: ["ROUTINE"], locations: ["OUTPATIENT"] },
          limit: 50,
          offset: 0,
        })
      ).rows,
    ).toHaveLength(2);
    expect(
      (
        await listWorklist(testDb(), colleague.id, {
          filters: { ...NO_FILTERS, priorities: ["UNKNOWN", "STAT"] },
          limit: 50,
          offset: 0,
        })
      ).rows,
    ).toHaveLength(0);
  });
});

describe("each filter and each row field, exactly", () => {
  const ids = async (userId: string, filters: Partial<typeof NO_FILTERS>) =>
    (await listWorklist(testDb(), userId, { filters: { ...NO_FILTERS, ...filters }, limit: 50, offset: 0 })).rows
      .map((r) => r.accessionNumber)
      .sort();

  it("body part (any case), location and priority (unknown included) each narrow the list and its count", async () => {
    const reader = await makeUser(["radiologist"]);
    const head = await addStudy({ accessionNumber: "A-HEAD", orderPriority: "STAT", patientLocation: "ED" });
    await testDb().study.update({ where: { id: head.id }, data: { bodyPart: "HEAD" } });
    const chest = await addStudy({
      accessionNumber: "B-CHEST",
      orderPriority: "ROUTINE",
      patientLocation: "OUTPATIENT",
    });
    await testDb().study.update({ where: { id: chest.id }, data: { bodyPart: "CHEST" } });
    await addStudy({
      accessionNumber: "C-NONE",
      orderPriority: null,
      patientLocation: "INPATIENT",
      modalities: ["DX"],
    });
    expect(await ids(reader.id, { bodyParts: ["head"] })).toEqual(["A-HEAD"]);
    expect(await ids(reader.id, { bodyParts: ["Chest", "HEAD"] })).toEqual(["A-HEAD", "B-CHEST"]);
    expect(await ids(reader.id, { locations: ["ED"] })).toEqual(["A-HEAD"]);
    expect(await ids(reader.id, { locations: ["INPATIENT", "OUTPATIENT"] })).toEqual(["B-CHEST", "C-NONE"]);
    expect(await ids(reader.id, { priorities: ["UNKNOWN"] })).toEqual(["C-NONE"]);
    expect(await ids(reader.id, { priorities: ["UNKNOWN", "ROUTINE"] })).toEqual(["B-CHEST", "C-NONE"]);
    expect(await ids(reader.id, { priorities: ["STAT"], locations: ["OUTPATIENT"] })).toEqual([]);
    expect(await countWorklist(testDb(), reader.id, { ...NO_FILTERS, bodyParts: ["head"] })).toEqual({
      total: 1,
      capped: false,
    });
    expect(await countWorklist(testDb(), reader.id, { ...NO_FILTERS, locations: ["INPATIENT"] })).toEqual({
      total: 1,
      capped: false,
    });
  });

  it("a row shows the AI model and version, critical or not, its claimer only while the claim is fresh, and 'assigned to you' only to the assignee", async () => {
    const reader = await makeUser(["radiologist"]);
    const other = await makeUser(["radiologist"]);
    const critical = await addStudy({ aiCritical: true, accessionNumber: "CRIT" });
    const plain = await addStudy({ accessionNumber: "PLAIN" });
    await testDb().study.update({ where: { id: plain.id }, data: { assignedToId: reader.id, assignedAt: new Date() } });
    const row = async (as: string, id: string) =>
      (await listWorklist(testDb(), as, { filters: NO_FILTERS, limit: 50, offset: 0 })).rows.find((r) => r.id === id)!;
    expect((await row(reader.id, critical.id)).ai).toEqual({
      status: "critical",
      finding: "intracranial-bleed",
      probability: 0.95,
      model: "ich-headct 1.0.0",
    });
    expect((await row(reader.id, critical.id)).critical).toBe(true);
    expect((await row(reader.id, plain.id)).critical).toBe(false);
    expect((await row(reader.id, plain.id)).ai).toBeNull();
    expect((await row(reader.id, plain.id)).reasons[0]).toBe("assigned to you");
    expect((await row(other.id, plain.id)).reasons).not.toContain("assigned to you");

    const t0 = new Date();
    await claimStudy(testDb(), asActor(other), plain.id, { filters: NO_FILTERS, reason: "set up" }, t0);
    const listAt = async (at: Date) =>
      (await listWorklist(testDb(), reader.id, { filters: NO_FILTERS, limit: 50, offset: 0 }, at)).rows.find(
        (r) => r.id === plain.id,
      )!;
    // The claim timeout is 15 minutes: fresh at exactly 15, lapsed a millisecond later.
    expect((await listAt(new Date(t0.getTime() + 15 * 60_000))).claimedBy).toEqual({ id: other.id, name: other.name });
    expect((await listAt(new Date(t0.getTime() + 15 * 60_000 + 1))).claimedBy).toBeNull();
  });

  it("the count stops at 1,000 and says so; 999 is exact", async () => {
    const reader = await makeUser(["radiologist"]);
    await testDb().$executeRaw`
      INSERT INTO "Study" (id, "sourceId", "studyInstanceUid", "firstSeenAt", "orderPriority", "patientLocation", modalities, "dueAt", "capAt", "updatedAt")
      SELECT 'bulk' || g, ${sourceId}, '1.2.999.' || g, now(), 'ROUTINE', 'OUTPATIENT', ARRAY['CT'], now() + interval '1 day', now() + interval '1 day', now()
        FROM generate_series(1, 999) g`;
    expect(await countWorklist(testDb(), reader.id, NO_FILTERS)).toEqual({ total: 999, capped: false });
    await addStudy();
    await addStudy();
    expect(await countWorklist(testDb(), reader.id, NO_FILTERS)).toEqual({ total: 1000, capped: true });
  });
});

describe("Next case", () => {
  it.each([
    ["studies ordered by due time", (i: number) => ({ minutesAgo: 20 + i })],
    // The pinned parts of the order (AI-critical pins, waits past the 24 h cap) are walked on their own indexes.
    ["AI-pinned and past-the-cap studies", (i: number) => (i % 2 ? { aiCritical: true } : { minutesAgo: 1500 + i })],
  ])(
    "100 radiologists pressing at once over 20 %s: no study claimed twice, the rest told nothing is left",
    async (_, kind) => {
      for (let i = 0; i < 20; i++) await addStudy(kind(i));
      const users = await Promise.all(Array.from({ length: 100 }, () => makeUser(["radiologist"])));
      const results = await Promise.all(users.map((u) => claimNextCase(testDb(), asActor(u), NO_FILTERS)));
      const claimed = results.flatMap((r) => ("studyId" in r ? [r.studyId] : []));
      expect(claimed).toHaveLength(20);
      expect(new Set(claimed).size).toBe(20);
      expect(results.filter((r) => "nothingLeft" in r)).toHaveLength(80);
      const rows = await testDb().study.findMany({ select: { readingState: true, claimedById: true } });
      expect(rows.every((r) => r.readingState === "CLAIMED")).toBe(true);
      expect(new Set(rows.map((r) => r.claimedById)).size).toBe(20);
      expect(await testDb().auditEvent.count({ where: { action: "study.claim" } })).toBe(20);
    },
    60_000,
  );

  it("takes the top of the list, respects filters, and gives a holder their own case back", async () => {
    const reader = await makeUser(["radiologist"]);
    await addStudy({ accessionNumber: "LOW", minutesAgo: 5 });
    await addStudy({ accessionNumber: "TOP", orderPriority: "STAT", patientLocation: "ED", minutesAgo: 1 });
    await addStudy({ accessionNumber: "MR", modalities: ["MR"], orderPriority: "STAT", minutesAgo: 60 });
    const first = await claimNextCase(testDb(), asActor(reader), { ...NO_FILTERS, modalities: ["CT"] });
    expect(first).toMatchObject({ accessionNumber: "TOP", alreadyHeld: false });
    expect(await claimNextCase(testDb(), asActor(reader), NO_FILTERS)).toMatchObject({
      accessionNumber: "TOP",
      alreadyHeld: true,
    });
  });

  it("through its router, Next case and the list follow the reader's saved filters", async () => {
    const reader = await makeUser(["radiologist"]);
    const caller = createCaller({ db: testDb(), user: reader });
    await addStudy({
      accessionNumber: "CT-STAT-ED",
      orderPriority: "STAT",
      patientLocation: "ED",
      modalities: ["CT"],
      minutesAgo: 20,
    });
    const mr = await addStudy({ accessionNumber: "MR-ROUTINE", modalities: ["MR"], minutesAgo: 5 });
    await caller.worklist.saveFilters({ ...NO_FILTERS, modalities: ["MR"] });
    // The CT is far more urgent, but this reader reads MR only.
    expect((await caller.worklist.list({})).rows.map((r) => r.accessionNumber)).toEqual(["MR-ROUTINE"]);
    expect(await caller.worklist.nextCase()).toMatchObject({
      studyId: mr.id,
      accessionNumber: "MR-ROUTINE",
      alreadyHeld: false,
    });
    await caller.worklist.markRead({ studyId: mr.id });
    expect(await caller.worklist.nextCase()).toEqual({ nothingLeft: true });
  });

  it("skip, pin, target and clearing an override each write their audit event, through the router", async () => {
    const reader = await makeUser(["radiologist"]);
    const scheduler = await makeUser(["scheduler"]);
    const asReader = createCaller({ db: testDb(), user: reader });
    const asScheduler = createCaller({ db: testDb(), user: scheduler });
    const skipped = await addStudy({ accessionNumber: "SKIP", orderPriority: "STAT", minutesAgo: 30 });
    const pinned = await addStudy({ accessionNumber: "PIN" });
    const targeted = await addStudy({ accessionNumber: "TARGET" });

    expect(await asReader.worklist.nextCase()).toMatchObject({ studyId: skipped.id });
    const skip = await asReader.worklist.skip({ studyId: skipped.id, reason: "needs the prior from outside" });
    const skipRow = await testDb().studySkip.findFirstOrThrow({ where: { studyId: skipped.id } });
    expect(skipRow.until.getTime() - skipRow.at.getTime()).toBe(DEFAULT_WORKLIST_RULES.skipHideMinutes * 60_000);
    await asScheduler.worklist.setOverride({ studyId: pinned.id, kind: "pin", reason: "surgeon waiting" });
    await asScheduler.worklist.setOverride({
      studyId: targeted.id,
      kind: "target",
      minutes: 45,
      reason: "clinic at 3",
    });
    await asScheduler.worklist.clearOverride({ studyId: targeted.id });

    const events = await testDb().auditEvent.findMany({
      where: {
        action: { in: ["study.skip", "study.override-pin", "study.override-target", "study.override-cleared"] },
      },
      select: { action: true, actorId: true, studyId: true, details: true },
    });
    expect(events.sort((a, b) => a.action.localeCompare(b.action))).toEqual([
      { action: "study.override-cleared", actorId: scheduler.id, studyId: targeted.id, details: { was: "target" } },
      {
        action: "study.override-pin",
        actorId: scheduler.id,
        studyId: pinned.id,
        details: { kind: "pin", reason: "surgeon waiting" },
      },
      {
        action: "study.override-target",
        actorId: scheduler.id,
        studyId: targeted.id,
        details: { kind: "target", minutes: 45, reason: "clinic at 3" },
      },
      {
        action: "study.skip",
        actorId: reader.id,
        studyId: skipped.id,
        details: { reason: "needs the prior from outside", hiddenUntil: skipRow.until.toISOString() },
      },
    ]);
    expect(skip.hiddenUntil).toEqual(skipRow.until);
  });

  it("mark read completes the case and it leaves the list; a lapsed claim can be taken over", async () => {
    const a = await makeUser(["radiologist"]);
    const b = await makeUser(["radiologist"]);
    const one = await addStudy({ accessionNumber: "ONE" });
    const two = await addStudy({ accessionNumber: "TWO", minutesAgo: 5 });
    await claimStudy(testDb(), asActor(a), one.id, { filters: NO_FILTERS });
    await renewClaim(testDb(), asActor(a), one.id);
    const due = (await testDb().study.findUniqueOrThrow({ where: { id: one.id } })).dueAt;
    await markRead(testDb(), asActor(a), one.id);
    const after = await listWorklist(testDb(), b.id, { filters: NO_FILTERS, limit: 50, offset: 0 });
    expect(after.rows.map((r) => r.accessionNumber)).toEqual(["TWO"]);
    // The due time leaves the ordering columns but is kept for "read by due time".
    expect(await testDb().study.findUniqueOrThrow({ where: { id: one.id } })).toMatchObject({
      readingState: "READ",
      readById: a.id,
      dueAt: null,
      pinnedAt: null,
      capAt: null,
      claimHeartbeatAt: null,
      dueAtWhenRead: due,
    });
    expect(
      await testDb().auditEvent.findFirstOrThrow({ where: { studyId: one.id, action: "study.read" } }),
    ).toMatchObject({ actorId: a.id, details: { via: "worklist" } });
    await expect(markRead(testDb(), asActor(a), one.id)).rejects.toThrow(/already been read/);
    await expect(markRead(testDb(), asActor(a), "no-such-study")).rejects.toThrow(/Study no-such-study does not exist/);
    await expect(markRead(testDb(), asActor(b), two.id)).rejects.toThrow(/no longer hold/); // never claimed

    await claimStudy(testDb(), asActor(a), two.id, { filters: NO_FILTERS });
    await expect(claimStudy(testDb(), asActor(b), two.id, { filters: NO_FILTERS })).rejects.toThrow(
      /Another radiologist has this study open/,
    );
    // A's claim lapses after the timeout without heartbeats.
    const later = new Date(Date.now() + (DEFAULT_WORKLIST_RULES.claimTimeoutMinutes + 1) * 60_000);
    expect(await claimNextCase(testDb(), asActor(b), NO_FILTERS, later)).toMatchObject({ accessionNumber: "TWO" });
    await expect(markRead(testDb(), asActor(a), two.id)).rejects.toThrow(/no longer hold/);
  });

  it("Next case stores its times in UTC as Prisma does, whatever the server's time zone (it bypasses Prisma's client)", async (ctx) => {
    // A time zone change takes effect in a process of its own (vitest's forks), not in a worker
    // thread (the pool mutation testing runs tests in).
    if (!isMainThread) ctx.skip();
    const reader = await makeUser(["radiologist"]);
    const study = await addStudy({ accessionNumber: "TZ" });
    const zone = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      const now = new Date(Date.now() - 1234);
      expect(new Date(2026, 0, 1).getTimezoneOffset()).toBe(300); // the zone really changed
      expect(await claimNextCase(testDb(), asActor(reader), NO_FILTERS, now)).toMatchObject({ accessionNumber: "TZ" });
      expect(await testDb().study.findUniqueOrThrow({ where: { id: study.id } })).toMatchObject({
        claimedAt: now,
        claimHeartbeatAt: now,
      });
      expect(
        (await testDb().auditEvent.findFirstOrThrow({ where: { studyId: study.id, action: "study.claim" } })).at,
      ).toEqual(now);
      const rows = await hotQuery<{ t: Date }>(testDb(), Prisma.sql`SELECT ${now}::timestamp(3) AS t`);
      expect(rows[0]!.t).toEqual(now);
      // The claim is fresh at `now` and lapses after the timeout, as the Prisma-written heartbeat would.
      const other = await makeUser(["radiologist"]);
      expect(await claimNextCase(testDb(), asActor(other), NO_FILTERS, new Date(now.getTime() + 60_000))).toEqual({
        nothingLeft: true,
      });
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("Next case and the first page run on cached generic plans; Next case commits without waiting for its WAL flush; mark read waits for it", async () => {
    // One connection per pool (Next case runs on the generic-plan pool, mark read on Prisma's),
    // so each backend's own I/O counters show whose commits waited for fsync.
    const single = createDb(env().DATABASE_URL!, 1);
    try {
      const walFsyncs = async () => {
        let total = 0;
        for (const genericPlan of [false, true]) {
          await hotQuery(single, Prisma.sql`SELECT pg_stat_force_next_flush()`, { genericPlan });
          const [row] = await hotQuery<{ fsyncs: bigint }>(
            single,
            Prisma.sql`SELECT coalesce(sum(fsyncs), 0)::bigint AS fsyncs FROM pg_stat_get_backend_io(pg_backend_pid()) WHERE object = 'wal'`,
            { genericPlan },
          );
          total += Number(row!.fsyncs);
        }
        return total;
      };
      const readers = await Promise.all(Array.from({ length: 10 }, () => makeUser(["radiologist"])));
      for (let i = 0; i < 10; i++) await addStudy({ minutesAgo: 30 + i });
      const before = await walFsyncs();
      const claimed: string[] = [];
      for (const r of readers) {
        const result = await claimNextCase(single, asActor(r), NO_FILTERS);
        if ("studyId" in result) claimed.push(result.studyId);
      }
      expect(claimed).toHaveLength(10);
      const afterClaims = await walFsyncs();
      for (const [i, r] of readers.entries()) await markRead(single, asActor(r), claimed[i]!);
      const afterReads = await walFsyncs();
      expect(afterReads - afterClaims).toBeGreaterThanOrEqual(10); // each read waited for its flush
      expect(afterClaims - before).toBeLessThanOrEqual(2); // claims left it to the WAL writer
      // How the generic-plan connection ran the statements containing `marker` (Postgres' own counters).
      const plansOf = async (marker: string) => {
        const [row] = await hotQuery<{ generic: number; custom: number }>(
          single,
          Prisma.sql`SELECT coalesce(sum(generic_plans), 0)::int AS generic, coalesce(sum(custom_plans), 0)::int AS custom
                       FROM pg_prepared_statements WHERE strpos(statement, ${marker}) > 0`,
          { genericPlan: true },
        );
        return row;
      };
      // Ten presses, one statement (the user is a parameter), every one on its cached generic plan.
      expect(await plansOf("WITH held AS")).toEqual({ generic: 10, custom: 0 });
      // So does the list's first page (its ids; the rows are read by id).
      await listWorklist(single, readers[0]!.id, { filters: NO_FILTERS, limit: 50, offset: 0 });
      await listWorklist(single, readers[1]!.id, { filters: NO_FILTERS, limit: 50, offset: 0 });
      const pagePlans = await plansOf("SELECT DISTINCT ON (id)");
      expect(pagePlans).toEqual({ generic: 2, custom: 0 });
    } finally {
      await single.$disconnect();
    }
  });

  it("claiming out of order needs a reason beyond the top N, and is audited", async () => {
    const reader = await makeUser(["radiologist"]);
    const admin = await makeUser(["admin"]);
    await saveSetting(testDb(), admin.id, "worklist", { ...DEFAULT_WORKLIST_RULES, claimTopN: 2 });
    const studies = [];
    for (let i = 0; i < 4; i++) studies.push(await addStudy({ minutesAgo: 100 - i * 10 }));
    const last = studies[3]!;
    await expect(claimStudy(testDb(), asActor(reader), last.id, { filters: NO_FILTERS })).rejects.toThrow(
      /not among the top 2/,
    );
    await claimStudy(testDb(), asActor(reader), last.id, { filters: NO_FILTERS, reason: "referrer on the phone" });
    const event = await testDb().auditEvent.findFirstOrThrow({
      where: { studyId: last.id, action: "study.claim-out-of-order" },
    });
    expect(event.details).toMatchObject({ reason: "referrer on the phone" });
  });

  it("a chair sees the open cases, breaks a claim, and the history tells the story", async () => {
    const reader = await makeUser(["radiologist"]);
    const chair = await makeUser(["chair"]);
    const s = await addStudy({ accessionNumber: "HELD" });
    await addStudy({ accessionNumber: "FREE", minutesAgo: 1 });
    const claimedAt = new Date();
    await claimNextCase(testDb(), asActor(reader), NO_FILTERS, claimedAt);
    const open = await listOpenClaims(testDb(), claimedAt);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      id: s.id,
      accessionNumber: "HELD",
      claimedAt,
      lastActivityAt: claimedAt,
      lapsed: false,
      claimedBy: { id: reader.id, name: reader.name },
    });
    // Past the timeout without a heartbeat the claim shows as lapsed.
    const later = new Date(claimedAt.getTime() + (DEFAULT_WORKLIST_RULES.claimTimeoutMinutes + 1) * 60_000);
    expect((await listOpenClaims(testDb(), later))[0]).toMatchObject({ id: s.id, lapsed: true });
    await breakClaim(testDb(), asActor(chair), s.id, "went home ill");
    expect(await listOpenClaims(testDb())).toEqual([]);
    await expect(breakClaim(testDb(), asActor(chair), s.id, "again")).rejects.toThrow(/Nobody holds this study/);
    const detail = await getStudyDetail(testDb(), s.id);
    expect(detail.readingState).toBe("UNREAD");
    expect(detail.history.map((h) => h.action)).toEqual(["study.claim", "study.claim-broken"]);
    expect(detail.viewerUrl).toContain(encodeURIComponent(s.studyInstanceUid));
  });

  it("the RIS marks a study read by accession", async () => {
    const s = await addStudy({ accessionNumber: "RIS-42" });
    const { dueAt } = await testDb().study.findUniqueOrThrow({ where: { id: s.id } });
    // ROUTINE from an outpatient clinic: due 24 h after arrival in the default SLA table.
    expect(dueAt).toEqual(new Date(s.firstSeenAt.getTime() + 24 * 60 * 60_000));
    expect(await markReadByAccession(testDb(), "RIS-42")).toEqual({ accessionNumber: "RIS-42", marked: 1 });
    expect(await testDb().study.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({
      readingState: "READ",
      dueAt: null,
      dueAtWhenRead: dueAt,
    });
    expect(await markReadByAccession(testDb(), "RIS-42")).toEqual({ accessionNumber: "RIS-42", marked: 0 });
    await expect(markReadByAccession(testDb(), "NOPE")).rejects.toThrow(/NOPE/);
  });
});

describe("the scheduler's backlog", () => {
  it("counts open studies by waiting time and by order priority, every class in a fixed order, read ones left out", async () => {
    await addStudy({ minutesAgo: 10, orderPriority: "STAT" });
    await addStudy({ minutesAgo: 90, orderPriority: "ROUTINE" });
    await addStudy({ minutesAgo: 300, orderPriority: "ROUTINE" });
    await addStudy({ minutesAgo: 2000, orderPriority: null });
    const done = await addStudy({ minutesAgo: 20, orderPriority: "HIGH" });
    await testDb().study.update({
      where: { id: done.id },
      data: { readingState: "READ", readAt: new Date(), dueAt: null, pinnedAt: null, capAt: null },
    });
    const summary = await backlogSummary(testDb(), new Date());
    expect(summary.total).toBe(4);
    expect(summary.byAge.map((b) => [b.label, b.count])).toEqual([
      ["< 1 h", 1],
      ["1–4 h", 1],
      ["4–24 h", 1],
      ["> 24 h", 1],
    ]);
    expect(summary.byPriority).toEqual([
      { priority: "STAT", count: 1 },
      { priority: "HIGH", count: 0 },
      { priority: "MEDIUM", count: 0 },
      { priority: "ROUTINE", count: 2 },
      { priority: "LOW", count: 0 },
      { priority: "unknown", count: 1 },
    ]);
  });
});

describe("scheduler overrides", () => {
  it("a target sets the due time to its minutes after arrival; clearing it puts back the class's due time and forgets who set it", async () => {
    const scheduler = await makeUser(["scheduler"]);
    const study = await addStudy({ minutesAgo: 10 }); // ROUTINE outpatient: due 1440 min after arrival
    const classDue = new Date(study.firstSeenAt.getTime() + 1440 * 60_000);
    expect((await testDb().study.findUniqueOrThrow({ where: { id: study.id } })).dueAt).toEqual(classDue);

    const at = new Date(Date.now() - 5_000);
    expect(
      await setOverride(testDb(), scheduler.id, study.id, { kind: "target", minutes: 45, reason: "clinic at 3" }, at),
    ).toEqual({ studyId: study.id });
    expect(await testDb().study.findUniqueOrThrow({ where: { id: study.id } })).toMatchObject({
      overrideKind: "target",
      overrideMinutes: 45,
      overrideReason: "clinic at 3",
      overrideById: scheduler.id,
      overrideAt: at,
      dueAt: new Date(study.firstSeenAt.getTime() + 45 * 60_000),
    });

    expect(await clearOverride(testDb(), scheduler.id, study.id)).toEqual({ studyId: study.id });
    expect(await testDb().study.findUniqueOrThrow({ where: { id: study.id } })).toMatchObject({
      overrideKind: null,
      overrideMinutes: null,
      overrideReason: null,
      overrideById: null,
      overrideAt: null,
      dueAt: classDue,
    });
  });

  it("an unknown study is refused by name and nothing is written", async () => {
    const scheduler = await makeUser(["scheduler"]);
    // The scheduler reads this message: it names what was not found.
    const pin = setOverride(testDb(), scheduler.id, "no-such-study", { kind: "pin", reason: "x" });
    await expect(pin).rejects.toThrow(NotFoundError);
    await expect(pin).rejects.toThrow("Study no-such-study does not exist");
    const clear = clearOverride(testDb(), scheduler.id, "no-such-study");
    await expect(clear).rejects.toThrow(NotFoundError);
    await expect(clear).rejects.toThrow("Study no-such-study does not exist");
    expect(await testDb().auditEvent.count({ where: { action: { startsWith: "study.override" } } })).toBe(0);
  });
});

describe("one reader's case, start to end: each refusal named, each change exact", () => {
  it("claims from the list within the top 5 or with a reason, renews, skips, is broken by a chair, is read; refuses what is read, cancelled or someone else's", async () => {
    const a = await makeUser(["radiologist"]);
    const b = await makeUser(["radiologist"]);
    const chair = await makeUser(["chair"]);
    // Seven routine outpatient studies, 10 minutes apart: each is due 24 h after it arrived, so the
    // list is in arrival order and the top 5 (the default claimTopN) are the five oldest.
    const studies = [];
    for (let i = 0; i < 7; i++) studies.push(await addStudy({ minutesAgo: 70 - i * 10 }));
    const [first, second, fifth, seventh] = [studies[0]!, studies[1]!, studies[4]!, studies[6]!];
    const now = new Date();
    const minutes = (m: number) => new Date(now.getTime() + m * 60_000);
    const list = { filters: NO_FILTERS };
    const claimAudits = (studyId: string) =>
      testDb().auditEvent.findMany({
        where: { studyId, action: { startsWith: "study.claim" } },
        orderBy: { at: "asc" },
        select: { action: true, actorId: true, details: true },
      });
    const claimState = async (id: string) =>
      testDb().study.findUniqueOrThrow({
        where: { id },
        select: { readingState: true, claimedById: true, claimedAt: true, claimHeartbeatAt: true },
      });

    // The sixth is out of the top 5: only with a reason, and blanks are no reason.
    const outOfTop = "This study is not among the top 5 of your list; give a reason to read it out of order.";
    await expect(claimStudy(testDb(), asActor(a), studies[5]!.id, list, now)).rejects.toThrow(outOfTop);
    await expect(claimStudy(testDb(), asActor(a), studies[5]!.id, { ...list, reason: "   " }, now)).rejects.toThrow(
      outOfTop,
    );
    // The fifth is in it.
    expect(await claimStudy(testDb(), asActor(a), fifth.id, list, now)).toEqual({
      studyId: fifth.id,
      alreadyHeld: false,
    });
    expect(await claimState(fifth.id)).toEqual({
      readingState: "CLAIMED",
      claimedById: a.id,
      claimedAt: now,
      claimHeartbeatAt: now,
    });
    expect(await claimStudy(testDb(), asActor(a), fifth.id, list, now)).toEqual({
      studyId: fifth.id,
      alreadyHeld: true,
    });
    expect(await claimAudits(fifth.id)).toEqual([{ action: "study.claim", actorId: a.id, details: { via: "list" } }]);
    await expect(claimStudy(testDb(), asActor(a), first.id, list, now)).rejects.toThrow(
      `You already have ${fifth.accessionNumber} open: mark it read or skip it first.`,
    );
    // Someone else's claim holds through the very minute it lapses (claimTimeoutMinutes 15).
    await expect(claimStudy(testDb(), asActor(b), fifth.id, list, minutes(15))).rejects.toThrow(
      "Another radiologist has this study open.",
    );

    // Renewing: only the holder, and it moves the heartbeat to the time given.
    const notHeld = "You no longer hold this study: your claim lapsed or was released.";
    expect(await renewClaim(testDb(), asActor(a), fifth.id, minutes(5))).toEqual({
      studyId: fifth.id,
      renewedAt: minutes(5),
    });
    expect((await claimState(fifth.id)).claimHeartbeatAt).toEqual(minutes(5));
    await expect(renewClaim(testDb(), asActor(b), fifth.id, minutes(5))).rejects.toThrow(notHeld);
    await expect(renewClaim(testDb(), asActor(a), first.id, minutes(5))).rejects.toThrow(notHeld);

    // Skipping frees it entirely.
    await skipStudy(testDb(), asActor(a), fifth.id, "needs the priors", minutes(6));
    expect(await claimState(fifth.id)).toEqual({
      readingState: "UNREAD",
      claimedById: null,
      claimedAt: null,
      claimHeartbeatAt: null,
    });

    // A chair breaks b's claim: freed, with the reason and who held it on record.
    await claimStudy(testDb(), asActor(b), first.id, list, minutes(7));
    expect(await breakClaim(testDb(), asActor(chair), first.id, "went home")).toEqual({ studyId: first.id });
    expect((await claimState(first.id)).readingState).toBe("UNREAD");
    expect((await claimAudits(first.id)).at(-1)).toEqual({
      action: "study.claim-broken",
      actorId: chair.id,
      details: { reason: "went home", heldBy: b.id },
    });
    await expect(breakClaim(testDb(), asActor(chair), first.id, "again")).rejects.toThrow("Nobody holds this study.");

    // Out of order with a reason (a's list without the skipped fifth: the seventh is sixth), trimmed on record.
    expect(
      await claimStudy(testDb(), asActor(a), seventh.id, { ...list, reason: "  comparing with priors  " }, minutes(8)),
    ).toEqual({ studyId: seventh.id, alreadyHeld: false });
    expect(await claimAudits(seventh.id)).toEqual([
      {
        action: "study.claim-out-of-order",
        actorId: a.id,
        details: { via: "list", reason: "comparing with priors" },
      },
    ]);

    // Read: the time given, then nothing more can be done with it.
    expect(await markRead(testDb(), asActor(a), seventh.id, minutes(9))).toEqual({
      studyId: seventh.id,
      readAt: minutes(9),
    });
    const alreadyRead = "This study has already been read.";
    await expect(claimStudy(testDb(), asActor(b), seventh.id, list, minutes(10))).rejects.toThrow(alreadyRead);
    await expect(renewClaim(testDb(), asActor(a), seventh.id, minutes(10))).rejects.toThrow(alreadyRead);
    await expect(markRead(testDb(), asActor(a), seventh.id, minutes(10))).rejects.toThrow(alreadyRead);

    // A study whose order the RIS cancelled.
    await claimStudy(testDb(), asActor(b), second.id, list, minutes(11));
    await testDb().study.update({ where: { id: second.id }, data: { readingState: "CANCELLED" } });
    const cancelled = "The RIS cancelled this study's order; it is off the worklist.";
    await expect(claimStudy(testDb(), asActor(a), second.id, list, minutes(12))).rejects.toThrow(cancelled);
    await expect(renewClaim(testDb(), asActor(b), second.id, minutes(12))).rejects.toThrow(cancelled);
    await expect(markRead(testDb(), asActor(b), second.id, minutes(12))).rejects.toThrow(cancelled);
    await expect(markRead(testDb(), asActor(a), "no-such-study", minutes(12))).rejects.toThrow(
      "Study no-such-study does not exist",
    );
    await expect(markReadByAccession(testDb(), "NO-SUCH-ACC")).rejects.toThrow("Accession NO-SUCH-ACC does not exist");
  });
});

describe("site rules", () => {
  it("a changed SLA table moves open studies' due times when workers recompute, and leaves read ones alone", async () => {
    const admin = await makeUser(["admin"]);
    const reader = await makeUser(["radiologist"]);
    const open = await addStudy({ orderPriority: "STAT", patientLocation: "ED", minutesAgo: 10 });
    const read = await addStudy({ orderPriority: "STAT", patientLocation: "ED", minutesAgo: 10 });
    await claimStudy(testDb(), asActor(reader), read.id, { filters: NO_FILTERS });
    await markRead(testDb(), asActor(reader), read.id);
    const before = (await testDb().study.findUniqueOrThrow({ where: { id: open.id } })).dueAt!;
    const sla = { ...DEFAULT_PRIORITY_CONFIG.sla, STAT: { ...DEFAULT_PRIORITY_CONFIG.sla.STAT, ED: 10 } };
    await saveSetting(testDb(), admin.id, "priority", { ...DEFAULT_PRIORITY_CONFIG, sla });
    expect(await refreshAllOpenPriorities(testDb(), await getPriorityConfig(testDb(), { fresh: true }))).toBe(1);
    const after = (await testDb().study.findUniqueOrThrow({ where: { id: open.id } })).dueAt!;
    expect(before.getTime() - after.getTime()).toBe(20 * 60_000);
    // Stored exactly as the engine computes it: arrival + the new 10-minute target.
    const row = await testDb().study.findUniqueOrThrow({ where: { id: open.id } });
    expect(after.getTime()).toBe(row.firstSeenAt.getTime() + 10 * 60_000);
    expect(row.capAt!.getTime()).toBe(row.firstSeenAt.getTime() + 24 * 60 * 60_000);
    expect((await testDb().study.findUniqueOrThrow({ where: { id: read.id } })).dueAt).toBeNull();
    expect(await testDb().auditEvent.count({ where: { action: "settings.priority", actorId: admin.id } })).toBe(1);
    // Asked for a read study by id, the refresh leaves it out of every ordering too.
    await refreshPriorities(testDb(), [read.id, open.id]);
    expect(await testDb().study.findUniqueOrThrow({ where: { id: read.id } })).toMatchObject({
      dueAt: null,
      capAt: null,
      pinnedAt: null,
    });
    // A table handed in (a worker's freshly read one) wins over the cached one: STAT from the ED in 5 minutes.
    const five = { ...DEFAULT_PRIORITY_CONFIG, sla: { ...sla, STAT: { ...sla.STAT, ED: 5 } } };
    await refreshPriorities(testDb(), [open.id], five);
    expect((await testDb().study.findUniqueOrThrow({ where: { id: open.id } })).dueAt!.getTime()).toBe(
      row.firstSeenAt.getTime() + 5 * 60_000,
    );
    expect(await refreshAllOpenPriorities(testDb(), DEFAULT_PRIORITY_CONFIG)).toBe(1);
    expect((await testDb().study.findUniqueOrThrow({ where: { id: open.id } })).dueAt!.getTime()).toBe(
      row.firstSeenAt.getTime() + 30 * 60_000,
    );
  });
});

describe("live updates", () => {
  it("a claim reaches listeners through Postgres NOTIFY", async () => {
    const reader = await makeUser(["radiologist"]);
    const s = await addStudy();
    const events = worklistEvents();
    await new Promise((r) => setTimeout(r, 300)); // LISTEN connection up
    const received = once(events, "event");
    await claimNextCase(testDb(), asActor(reader), NO_FILTERS);
    const [event] = await received;
    expect(event).toEqual({ type: "claimed", studyId: s.id });
    const read = once(events, "event");
    await markRead(testDb(), asActor(reader), s.id);
    expect((await read)[0]).toEqual({ type: "read", studyId: s.id });
  });
});

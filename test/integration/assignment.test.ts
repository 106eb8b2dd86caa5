import { beforeEach, describe, expect, it } from "vitest";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { makeReader } from "../support/readers";
import { saveSetting } from "@/server/core/settings";
import { refreshPriorities } from "@/server/worklist/refresh-priority";
import { listWorklist } from "@/server/worklist/list-worklist";
import { claimNextCase, claimStudy } from "@/server/worklist/claims";
import { readingScope } from "@/server/routing/reading-scope";
import { forgetCoverage } from "@/server/routing/reader-access";
import { setOnDuty } from "@/server/routing/reader-profiles";
import { assignOpenStudies, forgetLoads } from "@/server/assignment/assign-studies";
import { reassignStudy } from "@/server/assignment/reassign";
import { answerInterruption, ANSWER_SECONDS, pendingInterruption } from "@/server/assignment/interruptions";
import { markRead, renewClaim } from "@/server/worklist/claims";
import { routingConfigSchema, type RoutingConfig } from "@/lib/routing/routing-config";
import { NO_FILTERS } from "@/lib/worklist-filters";
import type { CurrentUser } from "@/server/auth/current-user";

let source: string;
let admin: CurrentUser;
let n = 0;

const config = (assignment: "pull" | "push" = "push"): RoutingConfig =>
  routingConfigSchema.parse({
    groups: [
      { key: "neuro", label: "Neuro" },
      { key: "general", label: "General" },
    ],
    rules: [{ id: "head", name: "CT HEAD", group: "neuro", modalities: ["CT"], bodyParts: ["HEAD"] }],
    defaultGroup: "general",
    assignment,
  });

async function addStudy(
  f: {
    bodyPart?: string;
    modality?: string;
    patientId?: string;
    stat?: boolean;
    critical?: boolean;
    priority?: "HIGH" | "LOW";
  } = {},
) {
  n += 1;
  const s = await testDb().study.create({
    data: {
      sourceId: source,
      studyInstanceUid: `1.2.826.88.${n}`,
      accessionNumber: `P${n}`,
      patientId: f.patientId ?? `MRN${n}`,
      modalities: [f.modality ?? "CT"],
      bodyPart: f.bodyPart ?? "HEAD",
      orderPriority: f.stat ? "STAT" : (f.priority ?? "ROUTINE"),
      patientLocation: "ED",
      firstSeenAt: new Date(Date.now() - 60_000),
      ...(f.critical
        ? {
            aiStatus: "critical",
            aiFinding: "bleed",
            aiProbability: 0.9,
            aiModelId: "m",
            aiModelVersion: "1",
            scoredAt: new Date(),
          }
        : {}),
    },
  });
  await refreshPriorities(testDb(), [s.id]);
  return s;
}

const reader = (groups: string[], capRvu: number | null = null) => makeReader(admin.id, groups, capRvu);

const assignee = async (id: string) =>
  (await testDb().study.findUniqueOrThrow({ where: { id }, select: { assignedToId: true } })).assignedToId;

beforeEach(async () => {
  await resetDatabase();
  source = await makeOfflineSource();
  admin = await makeUser(["admin"]);
  await saveSetting(testDb(), admin.id, "routing", config());
  forgetCoverage();
  forgetLoads();
});

describe("push assignment", () => {
  it("balances RVUs: greedy least-load keeps any two readers within one study's RVUs of each other", async () => {
    const readers = [await reader(["neuro"]), await reader(["neuro"]), await reader(["neuro"])];
    // CT head 0.85, MR head 1.48, CT other 1.0 in the starter table (all routed to neuro by a catch-all rule below).
    await saveSetting(testDb(), admin.id, "routing", {
      ...config(),
      rules: [{ ...config().rules[0]!, modalities: [], bodyParts: [] }],
    });
    const kinds = [
      { modality: "CT", bodyPart: "HEAD" },
      { modality: "MR", bodyPart: "HEAD" },
      { modality: "CT", bodyPart: "PELVIS" },
    ];
    for (let i = 0; i < 30; i++) await addStudy(kinds[i % 3]);
    const r = await assignOpenStudies(testDb());
    expect(r.assigned).toBe(30);
    const totals = await testDb().$queryRaw<{ id: string; rvu: number }[]>`
      SELECT "assignedToId" AS id, sum("workRvu")::float8 AS rvu FROM "Study" GROUP BY 1`;
    expect(totals.map((t) => t.id).sort()).toEqual(readers.map((u) => u.id).sort());
    const rvus = totals.map((t) => t.rvu);
    expect(Math.max(...rvus) - Math.min(...rvus)).toBeLessThanOrEqual(1.48 + 1e-9);
    // 30 studies: 10 × (0.85 + 1.48 + 1.0) = 33.3 RVUs in all.
    expect(rvus.reduce((a, b) => a + b, 0)).toBeCloseTo(33.3, 6);
  });

  it("balances by this shift: a reader back on duty starts again from nothing, one never switched counts the last 12 hours", async () => {
    const back = await reader(["neuro"]);
    const steady = await reader(["neuro"]);
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
    const duty = (userId: string, action: string, at: Date) =>
      testDb().auditEvent.create({ data: { actorId: userId, action, at, details: { userId } } });
    // Earlier today `back` took 3 studies (2.55 RVUs), went off duty and came back an hour ago;
    // `steady` took 2 (1.7 RVUs) two hours ago and never changed duty.
    const earlier = [await addStudy(), await addStudy(), await addStudy()];
    const steadys = [await addStudy(), await addStudy()];
    await testDb().study.updateMany({
      where: { id: { in: earlier.map((s) => s.id) } },
      data: { assignedToId: back.id, assignedAt: hoursAgo(4) },
    });
    await testDb().study.updateMany({
      where: { id: { in: steadys.map((s) => s.id) } },
      data: { assignedToId: steady.id, assignedAt: hoursAgo(2) },
    });
    await duty(back.id, "reader.off-duty", hoursAgo(3));
    await duty(back.id, "reader.on-duty", hoursAgo(1));
    // This shift: `back` 0 RVUs, `steady` 1.7: the next two head CTs (0.85 each) go to `back`.
    const next = [await addStudy(), await addStudy()];
    await assignOpenStudies(testDb());
    expect([await assignee(next[0]!.id), await assignee(next[1]!.id)]).toEqual([back.id, back.id]);
  });

  it("counts this shift at most 12 hours back: a reader on duty since yesterday is not starved by work from then", async () => {
    const long = await reader(["neuro"]);
    const other = await reader(["neuro"]);
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
    // `long` went on duty 13 hours ago and took 3 studies (2.55 RVUs) 12½ hours ago; `other` took
    // one (0.85) an hour ago. This shift (the last 12 hours): `long` 0, `other` 0.85.
    await testDb().auditEvent.create({
      data: { actorId: long.id, action: "reader.on-duty", at: hoursAgo(13), details: { userId: long.id } },
    });
    const before = [await addStudy(), await addStudy(), await addStudy()];
    await testDb().study.updateMany({
      where: { id: { in: before.map((s) => s.id) } },
      data: { assignedToId: long.id, assignedAt: hoursAgo(12.5) },
    });
    const recent = await addStudy();
    await testDb().study.update({
      where: { id: recent.id },
      data: { assignedToId: other.id, assignedAt: hoursAgo(1) },
    });
    const next = await addStudy();
    await assignOpenStudies(testDb());
    expect(await assignee(next.id)).toBe(long.id);
  });

  it("respects caps, lets STAT and AI-critical studies bypass them, and leaves what nobody can take unassigned", async () => {
    const capped = await reader(["neuro"], 1);
    await addStudy(); // 0.85: fits the cap
    const second = await addStudy(); // 0.85 more: over the cap
    await assignOpenStudies(testDb());
    const assigned = await testDb().study.findMany({ where: { assignedToId: capped.id } });
    expect(assigned).toHaveLength(1);
    expect(await assignee(second.id)).toBeNull();
    const stat = await addStudy({ stat: true });
    const critical = await addStudy({ critical: true });
    await assignOpenStudies(testDb());
    expect(await assignee(stat.id)).toBe(capped.id);
    expect(await assignee(critical.id)).toBe(capped.id);
    expect(await assignee(second.id)).toBeNull();
  });

  it("sends a critical study to a free reader, or to the one on their case longest when everyone is reading", async () => {
    const a = await reader(["neuro"]);
    const b = await reader(["neuro"]);
    // a reads something, so b is free.
    const held = await addStudy({ bodyPart: "HEAD" });
    await assignOpenStudies(testDb());
    const holder = (await assignee(held.id))!;
    const other = holder === a.id ? b : a;
    const me = holder === a.id ? a : b;
    expect(await claimNextCase(testDb(), me, NO_FILTERS, new Date(), await readingScope(testDb(), me))).toMatchObject({
      studyId: held.id,
    });
    const critical = await addStudy({ critical: true });
    await assignOpenStudies(testDb());
    expect(await assignee(critical.id)).toBe(other.id);
  });

  it("keeps a patient's studies together (CT head and CT cervical spine from the ED)", async () => {
    await reader(["neuro", "general"]);
    await reader(["neuro", "general"]);
    await reader(["neuro", "general"]);
    const head = await addStudy({ patientId: "MRN-ED-1", bodyPart: "HEAD" });
    const spine = await addStudy({ patientId: "MRN-ED-1", bodyPart: "CSPINE" });
    const others = [await addStudy({ bodyPart: "HEAD" }), await addStudy({ bodyPart: "HEAD" })];
    await assignOpenStudies(testDb());
    expect(await assignee(spine.id)).toBe(await assignee(head.id));
    expect(others.length).toBe(2);
  });

  it("a patient's study arriving after their first was assigned goes to that reader, and after a reassignment to the newest one", async () => {
    const readers = [
      await reader(["neuro", "general"]),
      await reader(["neuro", "general"]),
      await reader(["neuro", "general"]),
    ];
    const head = await addStudy({ patientId: "MRN-LATE-1", bodyPart: "HEAD" });
    await assignOpenStudies(testDb());
    const first = (await assignee(head.id))!;
    // By load alone the next study would go to one of the two readers who have nothing yet.
    const spine = await addStudy({ patientId: "MRN-LATE-1", bodyPart: "CSPINE" });
    await assignOpenStudies(testDb());
    expect(await assignee(spine.id)).toBe(first);

    const scheduler = await makeUser(["scheduler"]);
    const other = readers.find((r) => r.id !== first)!;
    await reassignStudy(testDb(), scheduler, head.id, other.id, "the patient's neuro images with the neuro reader");
    const third = await addStudy({ patientId: "MRN-LATE-1", bodyPart: "HEAD" });
    await assignOpenStudies(testDb());
    expect(await assignee(third.id)).toBe(other.id);
  });

  it("a reader going off duty hands their unread assignments back out; a scheduler reassigns live, audited", async () => {
    const a = await reader(["neuro"]);
    const b = await reader(["neuro"]);
    const studies = [await addStudy(), await addStudy(), await addStudy(), await addStudy()];
    await assignOpenStudies(testDb());
    const owners = await Promise.all(studies.map((s) => assignee(s.id)));
    expect(owners.filter((o) => o === a.id).length).toBe(2); // least load: two each
    await setOnDuty(testDb(), a.id, a.id, false);
    const r = await assignOpenStudies(testDb());
    expect(r.handedBack).toBeGreaterThan(0);
    for (const s of studies) expect(await assignee(s.id)).toBe(b.id);

    await setOnDuty(testDb(), a.id, a.id, true);
    const scheduler = await makeUser(["scheduler"]);
    await reassignStudy(testDb(), scheduler, studies[0]!.id, a.id, "evening out the load");
    expect(await assignee(studies[0]!.id)).toBe(a.id);
    const event = await testDb().auditEvent.findFirst({
      where: { action: "study.reassigned", studyId: studies[0]!.id },
    });
    expect(event).toMatchObject({
      actorId: scheduler.id,
      details: { from: b.id, to: a.id, reason: "evening out the load" },
    });
    // Nobody else's list shows it; a's list shows it first, saying so.
    const aRows = (
      await listWorklist(testDb(), a.id, {
        filters: NO_FILTERS,
        limit: 50,
        offset: 0,
        scope: await readingScope(testDb(), a),
      })
    ).rows;
    expect(aRows[0]).toMatchObject({ id: studies[0]!.id, reasons: expect.arrayContaining(["assigned to you"]) });
    const bIds = (
      await listWorklist(testDb(), b.id, {
        filters: NO_FILTERS,
        limit: 50,
        offset: 0,
        scope: await readingScope(testDb(), b),
      })
    ).rows.map((x) => x.id);
    expect(bIds).not.toContain(studies[0]!.id);
    // Reassigning to someone not eligible is refused with the reason.
    const outsider = await reader(["general"]);
    await expect(reassignStudy(testDb(), scheduler, studies[1]!.id, outsider.id, "try")).rejects.toThrow(
      "may not read this study: not in the Neuro group",
    );
    // Claiming a study assigned to someone else is refused.
    await expect(
      claimStudy(testDb(), b, studies[0]!.id, {
        filters: NO_FILTERS,
        reason: "want it",
        scope: await readingScope(testDb(), b),
      }),
    ).rejects.toThrow("assigned to another reader");
  });

  it("a lapsed claim frees the case, puts the reader off duty and hands their assignments back", async () => {
    const a = await reader(["neuro"]);
    const b = await reader(["neuro"]);
    const s1 = await addStudy();
    const s2 = await addStudy();
    await assignOpenStudies(testDb());
    // Give both to a, and let a open one and walk away.
    for (const s of [s1, s2]) await reassignStudy(testDb(), admin, s.id, a.id, "test");
    const claimed = await claimNextCase(testDb(), a, NO_FILTERS, new Date(), await readingScope(testDb(), a));
    if (!("studyId" in claimed)) throw new Error("a should get a case");
    const later = new Date(Date.now() + 16 * 60_000); // past the 15-minute claim timeout
    await assignOpenStudies(testDb(), later);
    const profile = await testDb().readerProfile.findUniqueOrThrow({ where: { userId: a.id } });
    expect(profile.onDuty).toBe(false);
    expect(await assignee(s1.id)).toBe(b.id);
    expect(await assignee(s2.id)).toBe(b.id);
    expect((await testDb().study.findUniqueOrThrow({ where: { id: claimed.studyId } })).readingState).toBe("UNREAD");
  });

  it("Next case takes the reader's own assignments first, and never another reader's", async () => {
    const a = await reader(["neuro"]);
    const b = await reader(["neuro"]);
    const s1 = await addStudy({ stat: true });
    const s2 = await addStudy();
    await assignOpenStudies(testDb());
    await reassignStudy(testDb(), admin, s1.id, b.id, "test");
    await reassignStudy(testDb(), admin, s2.id, a.id, "test");
    // s1 is STAT (first in the plain order) but b's: a gets s2.
    expect(await claimNextCase(testDb(), a, NO_FILTERS, new Date(), await readingScope(testDb(), a))).toMatchObject({
      studyId: s2.id,
    });
  });

  it("claiming from the list counts the top 5 over the reader's own assignments first, then studies assigned to nobody", async () => {
    const me = await reader(["neuro"]);
    // Two head CTs assigned to me, then five nobody has, one minute apart (ROUTINE ED: due an hour after arrival).
    const mine = [await addStudy(), await addStudy()];
    for (const s of mine)
      await testDb().study.update({ where: { id: s.id }, data: { assignedToId: me.id, assignedAt: new Date() } });
    const open = [];
    for (let i = 0; i < 5; i++) open.push(await addStudy());
    const scope = await readingScope(testDb(), me);
    const claim = (id: string, reason?: string) =>
      claimStudy(testDb(), me, id, { filters: NO_FILTERS, scope, ...(reason ? { reason } : {}) });
    // My top 5: my two, then the first three of nobody's; the fourth of nobody's is out of it.
    await expect(claim(open[3]!.id)).rejects.toThrow("not among the top 5 of your list");
    expect(await claim(open[2]!.id)).toEqual({ studyId: open[2]!.id, alreadyHeld: false });
    expect(
      await testDb().auditEvent.findFirstOrThrow({
        where: { studyId: open[2]!.id },
        select: { action: true, details: true },
      }),
    ).toEqual({ action: "study.claim", details: { via: "list" } });
    await testDb().study.update({
      where: { id: open[2]!.id },
      data: { readingState: "UNREAD", claimedById: null, claimHeartbeatAt: null },
    });
    // One of my own, claimed from the list.
    expect(await claim(mine[1]!.id)).toEqual({ studyId: mine[1]!.id, alreadyHeld: false });
  });

  it("switching push off hands every open assignment back", async () => {
    await reader(["neuro"]);
    const s = await addStudy();
    await assignOpenStudies(testDb());
    expect(await assignee(s.id)).not.toBeNull();
    await saveSetting(testDb(), admin.id, "routing", config("pull"));
    expect(await assignOpenStudies(testDb())).toEqual({ assigned: 0, handedBack: 1 });
    expect(await assignee(s.id)).toBeNull();
  });

  it("under concurrency (100 arrivals, 50 readers, rounds in parallel) each study is assigned exactly once", async () => {
    for (let i = 0; i < 50; i++) await reader(i % 2 ? ["neuro"] : ["general"]);
    const arrivals = [];
    for (let i = 0; i < 100; i++) arrivals.push(await addStudy({ bodyPart: i % 2 ? "HEAD" : "CHEST" }));
    await Promise.all(Array.from({ length: 6 }, () => assignOpenStudies(testDb())));
    const events = await testDb().auditEvent.groupBy({
      by: ["studyId"],
      where: { action: "study.assigned" },
      _count: { _all: true },
    });
    expect(events).toHaveLength(100);
    expect(events.every((e) => e._count._all === 1)).toBe(true);
    const unassigned = await testDb().study.count({ where: { assignedToId: null } });
    expect(unassigned).toBe(0);
  });
});

describe("push assignment with interruptions", () => {
  const allow = async (interruptions = true) =>
    saveSetting(testDb(), admin.id, "routing", { ...config(), interruptions });
  const ms = (t: Date, add: number) => new Date(t.getTime() + add);
  /** `who` claims their Next case at `t` (their own assignment first). */
  const claimNext = async (who: CurrentUser, t: Date) =>
    claimNextCase(testDb(), who, NO_FILTERS, t, await readingScope(testDb(), who));
  const claimState = async (id: string) =>
    testDb().study.findUniqueOrThrow({
      where: { id },
      select: { readingState: true, claimedById: true, claimHeartbeatAt: true, assignedToId: true },
    });
  const actions = async (studyId: string) =>
    (
      await testDb().auditEvent.findMany({
        where: { studyId, action: { startsWith: "study.interrupt" } },
        orderBy: { at: "asc" },
        select: { action: true, actorId: true, details: true },
      })
    ).map((e) => ({ action: e.action, actorId: e.actorId, details: e.details }));

  it("asks the busy reader to interrupt; accepting opens the urgent study, the paused case stays theirs and comes back after Mark read", async () => {
    await allow();
    const a = await reader(["neuro"]);
    const routine = await addStudy();
    const t0 = new Date();
    await assignOpenStudies(testDb(), t0);
    expect(await claimNext(a, t0)).toMatchObject({ studyId: routine.id, alreadyHeld: false });

    const critical = await addStudy({ critical: true });
    const t1 = ms(t0, 10_000);
    expect(await assignOpenStudies(testDb(), t1)).toMatchObject({ assigned: 1 });
    expect(await claimState(critical.id)).toMatchObject({ assignedToId: a.id, readingState: "UNREAD" });
    const ask = await pendingInterruption(testDb(), a.id);
    expect(ask).toMatchObject({
      askedAt: t1,
      answerBy: ms(t1, ANSWER_SECONDS * 1000),
      study: { id: critical.id, aiStatus: "critical", aiFinding: "bleed" },
      paused: { id: routine.id },
    });
    expect(await actions(critical.id)).toEqual([
      { action: "study.interrupt-asked", actorId: null, details: { readerId: a.id, pausedStudyId: routine.id } },
    ]);

    const t2 = ms(t1, 20_000);
    expect(await answerInterruption(testDb(), a, ask!.id, true, t2)).toEqual({
      studyId: critical.id,
      accepted: true,
      pausedStudyId: routine.id,
    });
    expect(await claimState(critical.id)).toMatchObject({
      readingState: "CLAIMED",
      claimedById: a.id,
      claimHeartbeatAt: t2,
    });
    expect(await claimState(routine.id)).toMatchObject({
      readingState: "CLAIMED",
      claimedById: a.id,
      claimHeartbeatAt: t0,
    });
    expect((await actions(critical.id)).at(-1)).toEqual({
      action: "study.interrupt-accepted",
      actorId: a.id,
      details: { pausedStudyId: routine.id },
    });
    expect(await pendingInterruption(testDb(), a.id)).toBeNull();
    // Next case gives back the newest claim: the urgent study.
    expect(await claimNext(a, ms(t2, 1000))).toEqual({
      studyId: critical.id,
      accessionNumber: critical.accessionNumber,
      alreadyHeld: true,
    });

    // Reading the urgent one for 14 minutes keeps the paused case alive (the claim timeout is 15).
    const t3 = ms(t0, 14 * 60_000);
    await renewClaim(testDb(), a, critical.id, t3);
    expect(await claimState(routine.id)).toMatchObject({ claimedById: a.id, claimHeartbeatAt: t3 });
    // Past the timeout of the paused case's own last heartbeat, the round frees nothing of theirs.
    const t4 = ms(t0, 16 * 60_000);
    await assignOpenStudies(testDb(), t4);
    expect(await claimState(routine.id)).toMatchObject({ readingState: "CLAIMED", claimedById: a.id });

    await markRead(testDb(), a, critical.id, t4);
    expect(await claimNext(a, t4)).toEqual({
      studyId: routine.id,
      accessionNumber: routine.accessionNumber,
      alreadyHeld: true,
    });
  });

  it("declined: handed back and asked of the reader on the next least urgent case; unanswered it lapses; then the one on their case longest", async () => {
    await allow();
    const a = await reader(["neuro"]);
    const b = await reader(["neuro"]);
    const t0 = new Date();
    // b reads a HIGH-priority case (due sooner), a a LOW one (due latest): a is asked first.
    const low = await addStudy({ priority: "LOW" });
    const high = await addStudy({ priority: "HIGH" });
    await reassignStudy(testDb(), admin, low.id, a.id, "set up", t0);
    await reassignStudy(testDb(), admin, high.id, b.id, "set up", t0);
    expect(await claimNext(a, t0)).toMatchObject({ studyId: low.id });
    expect(await claimNext(b, ms(t0, 1000))).toMatchObject({ studyId: high.id });

    const stat = await addStudy({ stat: true });
    const t1 = ms(t0, 5000);
    await assignOpenStudies(testDb(), t1);
    expect(await claimState(stat.id)).toMatchObject({ assignedToId: a.id });
    const askA = (await pendingInterruption(testDb(), a.id))!;
    expect(askA.paused.id).toBe(low.id);

    const t2 = ms(t1, 3000);
    expect(await answerInterruption(testDb(), a, askA.id, false, t2)).toMatchObject({ accepted: false });
    expect(await claimState(stat.id)).toMatchObject({ assignedToId: null, readingState: "UNREAD" });
    expect(await claimState(low.id)).toMatchObject({ claimedById: a.id, readingState: "CLAIMED" });
    await expect(answerInterruption(testDb(), a, askA.id, true, t2)).rejects.toThrow(
      "This request is closed (declined).",
    );

    const t3 = ms(t2, 1000);
    await assignOpenStudies(testDb(), t3);
    expect(await claimState(stat.id)).toMatchObject({ assignedToId: b.id });
    const askB = (await pendingInterruption(testDb(), b.id))!;
    expect(askB.paused.id).toBe(high.id);

    // b does not answer: one second short of the answer time nothing changes, after it the question lapses.
    await assignOpenStudies(testDb(), ms(t3, ANSWER_SECONDS * 1000 - 1000));
    expect(await claimState(stat.id)).toMatchObject({ assignedToId: b.id });
    const t4 = ms(t3, ANSWER_SECONDS * 1000 + 1000);
    await assignOpenStudies(testDb(), t4);
    // Both declined or let it lapse: no more questions; it goes to the one on their case longest (a, since t0).
    expect(await claimState(stat.id)).toMatchObject({ assignedToId: a.id });
    expect(await pendingInterruption(testDb(), a.id)).toBeNull();
    expect(await testDb().readingInterruption.count({ where: { answer: null } })).toBe(0);
    await expect(answerInterruption(testDb(), b, askB.id, true, t4)).rejects.toThrow(
      "This request lapsed: it was not answered in time and the study went back out.",
    );
    expect(await actions(stat.id)).toEqual([
      { action: "study.interrupt-asked", actorId: null, details: { readerId: a.id, pausedStudyId: low.id } },
      { action: "study.interrupt-declined", actorId: a.id, details: { readerId: a.id, pausedStudyId: low.id } },
      { action: "study.interrupt-asked", actorId: null, details: { readerId: b.id, pausedStudyId: high.id } },
      { action: "study.interrupt-expired", actorId: null, details: { readerId: b.id } },
    ]);
  });

  it("a question whose study was reassigned is withdrawn, and answering it is refused", async () => {
    await allow();
    const a = await reader(["neuro"]);
    const c = await reader(["neuro"]);
    const t0 = new Date();
    const mine = await addStudy();
    const hers = await addStudy();
    await reassignStudy(testDb(), admin, mine.id, a.id, "set up", t0);
    await reassignStudy(testDb(), admin, hers.id, c.id, "set up", t0);
    await claimNext(a, t0);
    await claimNext(c, t0);
    const critical = await addStudy({ critical: true });
    await assignOpenStudies(testDb(), ms(t0, 1000));
    const asked = (await claimState(critical.id)).assignedToId!;
    const askedReader = asked === a.id ? a : c;
    const other = asked === a.id ? c : a;
    const ask = (await pendingInterruption(testDb(), asked))!;
    await reassignStudy(testDb(), admin, critical.id, other.id, "the scheduler knows better", ms(t0, 2000));
    // Until a round closes it the question is no longer shown; answering it is refused.
    expect(await pendingInterruption(testDb(), asked)).toBeNull();
    await expect(answerInterruption(testDb(), askedReader, ask.id, true, ms(t0, 3000))).rejects.toThrow(
      "The urgent study no longer waits for you",
    );
    expect(await claimState(critical.id)).toMatchObject({ assignedToId: other.id, readingState: "UNREAD" });
    expect(await testDb().readingInterruption.findUniqueOrThrow({ where: { id: ask.id } })).toMatchObject({
      answer: "withdrawn",
    });
    // Another reader cannot answer someone else's question.
    await expect(answerInterruption(testDb(), other, ask.id, true)).rejects.toThrow("does not exist");
  });

  it("a reader who finishes their case before answering is not asked any more: the study stays theirs, first in their list", async () => {
    await allow();
    const a = await reader(["neuro"]);
    const t0 = new Date();
    const routine = await addStudy();
    await assignOpenStudies(testDb(), t0);
    await claimNext(a, t0);
    const critical = await addStudy({ critical: true });
    await assignOpenStudies(testDb(), ms(t0, 1000));
    const ask = (await pendingInterruption(testDb(), a.id))!;
    expect(ask.paused.id).toBe(routine.id);
    await markRead(testDb(), a, routine.id, ms(t0, 2000));
    expect(await pendingInterruption(testDb(), a.id)).toBeNull();
    await assignOpenStudies(testDb(), ms(t0, 3000));
    expect(await testDb().readingInterruption.findUniqueOrThrow({ where: { id: ask.id } })).toMatchObject({
      answer: "withdrawn",
    });
    expect((await actions(critical.id)).at(-1)).toEqual({
      action: "study.interrupt-withdrawn",
      actorId: null,
      details: {
        readerId: a.id,
        why: "they finished or left the case it would have paused: the study stays theirs, first in their list",
      },
    });
    expect(await claimState(critical.id)).toMatchObject({ assignedToId: a.id, readingState: "UNREAD" });
    expect(await claimNext(a, ms(t0, 4000))).toMatchObject({ studyId: critical.id, alreadyHeld: false });
  });

  it("never asks while interruptions are off, when the busy reader's case is itself urgent, or twice at once", async () => {
    const a = await reader(["neuro"]);
    const t0 = new Date();
    const stat = await addStudy({ stat: true });
    await assignOpenStudies(testDb(), t0);
    await claimNext(a, t0); // a reads a STAT study
    await allow();
    const critical = await addStudy({ critical: true });
    await assignOpenStudies(testDb(), ms(t0, 1000));
    expect(await claimState(critical.id)).toMatchObject({ assignedToId: a.id });
    expect(await testDb().readingInterruption.count()).toBe(0);

    await markRead(testDb(), a, stat.id, ms(t0, 2000));
    await markRead(testDb(), a, ((await claimNext(a, ms(t0, 3000))) as { studyId: string }).studyId, ms(t0, 4000));
    const routine = await addStudy();
    await assignOpenStudies(testDb(), ms(t0, 5000));
    await claimNext(a, ms(t0, 6000));
    expect(await claimState(routine.id)).toMatchObject({ claimedById: a.id });
    await allow(false);
    await addStudy({ critical: true });
    await assignOpenStudies(testDb(), ms(t0, 7000));
    expect(await testDb().readingInterruption.count()).toBe(0);

    await allow();
    const c1 = await addStudy({ critical: true });
    const c2 = await addStudy({ critical: true });
    await assignOpenStudies(testDb(), ms(t0, 8000));
    // One question at a time: the others still go to a (the only reader), without asking.
    expect(await testDb().readingInterruption.count({ where: { answer: null } })).toBe(1);
    expect([await claimState(c1.id), await claimState(c2.id)].every((s) => s.assignedToId === a.id)).toBe(true);
  });
});

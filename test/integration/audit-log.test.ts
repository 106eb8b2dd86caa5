// Who saw which patient's study, and an audit log people can search: views recorded with who,
// what, when and from where; the search's filters and pages; CSV of every match; and events that
// nothing in the app can change or delete.
import { beforeEach, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { recordPatientDataView, VIEW_REPEAT_WINDOW_MS } from "@/server/audit/patient-data-views";
import { searchAuditEvents } from "@/server/audit/audit-search";
import { refreshPriorities } from "@/server/worklist/refresh-priority";
import { GET as previewGet } from "@/app/api/ai-results/[id]/preview/route";
import { GET as viewerGet } from "@/app/api/studies/[id]/viewer/route";
import { GET as exportGet } from "@/app/api/audit/export/route";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { signIn, TEST_ORIGIN } from "../support/sign-in";

const FROM = { ip: "10.1.2.3", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131" };
let n = 0;

async function addStudy(accessionNumber: string) {
  n += 1;
  const sourceId = await makeOfflineSource();
  const study = await testDb().study.create({
    data: {
      sourceId,
      studyInstanceUid: `1.2.826.0.7.${n}`,
      accessionNumber,
      firstSeenAt: new Date(),
      orderPriority: "ROUTINE",
      patientLocation: "ED",
      modalities: ["CT"],
    },
  });
  await refreshPriorities(testDb(), [study.id]);
  return study;
}

async function events(action: string) {
  return testDb().auditEvent.findMany({ where: { action }, orderBy: { at: "asc" } });
}

async function signedInReader(roles: ("radiologist" | "chair" | "admin")[] = ["radiologist"]) {
  const user = await makeUser(roles, "a-good-password");
  const { cookie } = await signIn(user.email, "a-good-password");
  return {
    user,
    headers: { cookie: cookie!, "x-forwarded-for": `${FROM.ip}, 192.168.0.1`, "user-agent": FROM.userAgent },
  };
}

beforeEach(() => resetDatabase());

describe("views of patient data are audited", () => {
  it("opening a study's panel records who, which study, when and from where, once per five minutes", async () => {
    const study = await addStudy("ACC-PANEL");
    const reader = await makeUser(["radiologist"]);
    const caller = createCaller({ db: testDb(), user: reader, origin: FROM });
    const before = Date.now();
    await caller.worklist.study({ studyId: study.id });
    await caller.worklist.study({ studyId: study.id }); // a refetch: the same look
    const [view, ...more] = await events("study.view");
    expect(more).toHaveLength(0);
    expect(view).toMatchObject({ actorId: reader.id, studyId: study.id, details: FROM });
    expect(view!.at.getTime()).toBeGreaterThanOrEqual(before - 1000);

    // Another person: their own event. The same person after the window: a new one.
    const chair = await makeUser(["chair"]);
    await createCaller({ db: testDb(), user: chair, origin: FROM }).worklist.study({ studyId: study.id });
    const later = new Date(Date.now() + VIEW_REPEAT_WINDOW_MS + 1000);
    expect(
      await recordPatientDataView(
        testDb(),
        { actorId: reader.id, studyId: study.id, action: "study.view", origin: FROM },
        later,
      ),
    ).toBe(true);
    expect((await events("study.view")).map((e) => e.actorId)).toEqual([reader.id, chair.id, reader.id]);
  });

  it("a study that does not exist records nothing", async () => {
    const reader = await makeUser(["radiologist"]);
    await expect(
      createCaller({ db: testDb(), user: reader, origin: FROM }).worklist.study({ studyId: "no-such-study" }),
    ).rejects.toThrow();
    expect(await testDb().auditEvent.count({ where: { action: "study.view" } })).toBe(0);
  });

  it("the key image and the viewer link are audited, with the address the request came from", async () => {
    const study = await addStudy("ACC-IMAGE");
    const result = await testDb().aiResult.create({
      data: {
        studyId: study.id,
        studyRevision: study.revision,
        modelId: "ich-headct",
        modelVersion: "1.0.0",
        status: "SCORED",
        critical: true,
        probability: 0.93,
        finding: "intracranial-bleed",
        preview: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
      },
    });
    const { user, headers } = await signedInReader();
    const image = await previewGet(new Request(`${TEST_ORIGIN}/api/ai-results/${result.id}/preview`, { headers }), {
      params: Promise.resolve({ id: result.id }),
    });
    expect(image.status).toBe(200);
    expect(image.headers.get("cache-control")).toBe("no-store");
    const viewer = await viewerGet(new Request(`${TEST_ORIGIN}/api/studies/${study.id}/viewer`, { headers }), {
      params: Promise.resolve({ id: study.id }),
    });
    expect(viewer.status).toBe(302);
    expect(viewer.headers.get("location")).toBe(
      `http://localhost:3001/viewer?StudyInstanceUIDs=${study.studyInstanceUid}`,
    );
    for (const action of ["study.view-key-image", "study.open-viewer"]) {
      const [event] = await events(action);
      expect(event, action).toMatchObject({ actorId: user.id, studyId: study.id, details: FROM });
    }
    // Not signed in: no image, no redirect, nothing recorded.
    const anonymous = await viewerGet(new Request(`${TEST_ORIGIN}/api/studies/${study.id}/viewer`), {
      params: Promise.resolve({ id: study.id }),
    });
    expect(anonymous.status).toBe(401);
    expect(await testDb().auditEvent.count({ where: { action: "study.open-viewer" } })).toBe(1);
  });
});

describe("searching the audit log", () => {
  async function seedLog() {
    const [a, b] = [await addStudy("ACC-A"), await addStudy("ACC-B")];
    const ann = await makeUser(["radiologist"]);
    await testDb().user.update({ where: { id: ann.id }, data: { name: "Dr. Ann Reader" } });
    const bob = await makeUser(["radiologist"]);
    await testDb().user.update({ where: { id: bob.id }, data: { name: "Dr. Bob Other" } });
    // 60 events over three UTC days (the department's zone is UTC in tests), written as the app writes them.
    const rows = Array.from({ length: 60 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 10, 10 + (i % 3), 8, i)),
      actorId: i % 4 === 3 ? null : i % 2 ? bob.id : ann.id,
      action: i % 4 === 3 ? "study.scored" : i % 2 ? "study.view" : "study.claim",
      studyId: i % 5 === 0 ? b.id : a.id,
      details: {},
    }));
    await testDb().auditEvent.createMany({ data: rows });
    return { rows, ann, bob, a, b };
  }

  it("each filter keeps exactly the events it names (counted independently from the seeded rows)", async () => {
    const { rows, ann, b } = await seedLog();
    // Within the seeded days (creating users and sources writes events of its own, today).
    const count = async (search: Parameters<typeof searchAuditEvents>[1]) =>
      (await searchAuditEvents(testDb(), { from: "2026-11-10", to: "2026-11-12", ...search }, { limit: 500 })).rows
        .length;
    expect(await count({ who: "all" })).toBe(60);
    expect(await count({ who: "all", person: "ann x" })).toBe(0);
    expect(await count({ who: "all", person: "Ann Reader" })).toBe(rows.filter((r) => r.actorId === ann.id).length);
    expect(await count({ who: "all", person: "ANN" })).toBe(rows.filter((r) => r.actorId === ann.id).length);
    expect(await count({ who: "all", person: "%" })).toBe(0);
    expect(await count({ who: "all", action: "study.view" })).toBe(
      rows.filter((r) => r.action === "study.view").length,
    );
    expect(await count({ who: "all", study: "ACC-B" })).toBe(rows.filter((r) => r.studyId === b.id).length);
    expect(await count({ who: "all", study: b.studyInstanceUid })).toBe(rows.filter((r) => r.studyId === b.id).length);
    expect(await count({ who: "all", from: "2026-11-11", to: "2026-11-11" })).toBe(
      rows.filter((r) => r.at.getUTCDate() === 11).length,
    );
    expect(await count({ who: "all", from: "2026-11-11" })).toBe(rows.filter((r) => r.at.getUTCDate() >= 11).length);
    expect(await count({ who: "system" })).toBe(rows.filter((r) => r.actorId === null).length);
    expect(await count({ who: "people", action: "study.claim", person: "Bob" })).toBe(0);
  });

  it("pages are newest first, with neither gaps nor repeats, even where events share a time", async () => {
    const { rows } = await seedLog();
    // Ties: ten more events at one instant.
    const tie = new Date(Date.UTC(2026, 10, 11, 12, 0));
    await testDb().auditEvent.createMany({
      data: Array.from({ length: 10 }, () => ({ at: tie, action: "study.scored", details: {} })),
    });
    const seen: string[] = [];
    let before: { at: Date; id: string } | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await searchAuditEvents(testDb(), { who: "all" }, { limit: 7, ...(before ? { before } : {}) });
      seen.push(...page.rows.map((r) => r.id));
      if (!page.more) break;
      before = { at: page.rows.at(-1)!.at, id: page.rows.at(-1)!.id };
    }
    const expected = (await testDb().auditEvent.findMany({ orderBy: [{ at: "desc" }, { id: "desc" }] })).map(
      (e) => e.id,
    );
    expect(seen).toEqual(expected);
    expect(seen.length).toBeGreaterThanOrEqual(rows.length + 10);
  });

  it("CSV export: every match, a header, and the export itself recorded; a bad date is a 400", async () => {
    const { rows, ann } = await seedLog();
    const { user, headers } = await signedInReader(["chair"]);
    const response = await exportGet(
      new Request(`${TEST_ORIGIN}/api/audit/export?person=Ann+Reader&who=people`, { headers }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="readnext-audit-/);
    const lines = (await response.text()).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^at \(UTC\),person,email,action/);
    expect(lines).toHaveLength(1 + rows.filter((r) => r.actorId === ann.id).length);
    expect(lines.slice(1).every((l) => l.includes("Dr. Ann Reader"))).toBe(true);
    const [exported] = await events("audit.export");
    expect(exported).toMatchObject({ actorId: user.id, details: { rows: lines.length - 1 } });

    const bad = await exportGet(new Request(`${TEST_ORIGIN}/api/audit/export?from=2026-02-30`, { headers }));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/from/);
    const radiologist = await signedInReader(["radiologist"]);
    expect(
      (await exportGet(new Request(`${TEST_ORIGIN}/api/audit/export`, { headers: radiologist.headers }))).status,
    ).toBe(403);
  });
});

describe("audit events cannot be changed or deleted", () => {
  it("updates and deletes are refused by the database, whoever asks", async () => {
    const study = await addStudy("ACC-KEEP");
    const reader = await makeUser(["radiologist"]);
    await recordPatientDataView(testDb(), {
      actorId: reader.id,
      studyId: study.id,
      action: "study.view",
      origin: FROM,
    });
    const event = (await events("study.view"))[0]!;
    await expect(
      testDb().auditEvent.update({ where: { id: event.id }, data: { action: "study.other" } }),
    ).rejects.toThrow(/cannot be changed or deleted/);
    await expect(testDb().auditEvent.delete({ where: { id: event.id } })).rejects.toThrow(
      /cannot be changed or deleted/,
    );
    await expect(testDb().auditEvent.deleteMany({})).rejects.toThrow(/cannot be changed or deleted/);
    await expect(
      testDb().$executeRawUnsafe(`UPDATE "AuditEvent" SET details = '{"ip":"forged"}' WHERE id = $1`, event.id),
    ).rejects.toThrow(/cannot be changed or deleted/);
    await expect(
      testDb().$executeRawUnsafe(
        `UPDATE "AuditEvent" SET "actorId" = $1 WHERE id = $2`,
        (await makeUser([])).id,
        event.id,
      ),
    ).rejects.toThrow(/cannot be changed or deleted/);
    expect(await testDb().auditEvent.findUniqueOrThrow({ where: { id: event.id } })).toEqual(event);
  });

  it("deleting a study keeps its events, unlinked", async () => {
    const study = await addStudy("ACC-GONE");
    const reader = await makeUser(["radiologist"]);
    await recordPatientDataView(testDb(), {
      actorId: reader.id,
      studyId: study.id,
      action: "study.view",
      origin: FROM,
    });
    await testDb().study.delete({ where: { id: study.id } });
    const [event] = await events("study.view");
    expect(event).toMatchObject({ actorId: reader.id, studyId: null, details: FROM });
  });

  it("no tRPC procedure writes to the audit log except by adding", async () => {
    // Every audit procedure is a query: a mutation there would be a way to edit the log.
    const { appRouter } = await import("@/server/api/root");
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
    const audit = Object.entries(procedures).filter(([name]) => name.startsWith("audit."));
    expect(audit.map(([name]) => name).sort()).toEqual(["audit.actions", "audit.list", "audit.search"]);
    for (const [name, procedure] of audit) expect(procedure._def.type, name).toBe("query");
  });
});

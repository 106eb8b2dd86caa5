import { beforeEach, describe, expect, it } from "vitest";
import { createUser, listUsers, setUserDisabled, setUserRoles } from "@/server/users/users";
import { seedDemoUsers, DEMO_USERS } from "@/server/users/demo-users";
import { ROLES } from "@/lib/roles";
import { makeUser, resetDatabase, testDb } from "../support/db";
import { auditInsertSql, listAuditEvents, recordAudit } from "@/server/core/audit";

beforeEach(() => resetDatabase());

describe("user administration writes its audit trail", () => {
  it("records who created, re-roled, disabled and enabled whom", async () => {
    const admin = await makeUser(["admin"]);
    const created = await createUser(testDb(), admin.id, {
      name: "  Dr Who ",
      email: "Who@Test.Local",
      password: "long-enough",
      roles: ["radiologist", "radiologist"],
    });
    expect(created).toMatchObject({ name: "Dr Who", email: "who@test.local", roles: ["radiologist"] });
    await setUserRoles(testDb(), admin.id, created.id, ["radiologist", "chair"]);
    await setUserDisabled(testDb(), admin.id, created.id, true);
    await setUserDisabled(testDb(), admin.id, created.id, false);
    const events = await testDb().auditEvent.findMany({ where: { actorId: admin.id }, orderBy: { at: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["user.create", "user.roles", "user.disable", "user.enable"]);
    expect(events[1]!.details).toEqual({
      userId: created.id,
      email: "who@test.local",
      from: ["radiologist"],
      to: ["radiologist", "chair"],
    });
    expect(events.every((e) => e.at instanceof Date)).toBe(true);
  });

  it("the log separates what people did from automatic study events", async () => {
    const admin = await makeUser(["admin"]);
    await createUser(testDb(), admin.id, {
      name: "Per Son",
      email: "per.son@test.local",
      password: "long-enough-pw",
      roles: ["chair"],
    });
    for (let i = 0; i < 5; i++) await recordAudit(testDb(), { actorId: null, action: "study.arrived" });
    const people = await listAuditEvents(testDb(), { limit: 50, who: "people" });
    expect(people.map((e) => e.action)).toEqual(["user.create"]);
    const system = await listAuditEvents(testDb(), { limit: 50, who: "system" });
    expect(system.every((e) => e.actorId === null)).toBe(true);
    expect(system.filter((e) => e.action === "study.arrived")).toHaveLength(5);
    expect(await listAuditEvents(testDb(), { limit: 50 })).toHaveLength(people.length + system.length);
  });

  it("one study's history: only its events, newest first, each with who did it", async () => {
    const admin = await makeUser(["admin"]);
    const sourceId = (await testDb().pacsSource.create({ data: { name: "s", baseUrl: "http://127.0.0.1:1" } })).id;
    const a = await testDb().study.create({ data: { sourceId, studyInstanceUid: "1.2.3.1" } });
    const b = await testDb().study.create({ data: { sourceId, studyInstanceUid: "1.2.3.2" } });
    const t0 = Date.parse("2026-11-30T10:00:00Z");
    const events: [string, string | null, string, number][] = [
      [a.id, null, "study.arrived", 0],
      [b.id, null, "study.arrived", 1],
      [a.id, admin.id, "study.claim", 2],
      [a.id, admin.id, "study.read", 3],
    ];
    for (const [studyId, actorId, action, minute] of events)
      await testDb().auditEvent.create({ data: { studyId, actorId, action, at: new Date(t0 + minute * 60_000) } });

    const history = await listAuditEvents(testDb(), { limit: 10, studyId: a.id });
    expect(history.map((e) => [e.action, e.actor?.name ?? null, e.actor?.email ?? null])).toEqual([
      ["study.read", admin.name, admin.email],
      ["study.claim", admin.name, admin.email],
      ["study.arrived", null, null],
    ]);
    // Only the actor's name and email go out with an event, nothing else of their account.
    expect(history[0]!.actor).toEqual({ name: admin.name, email: admin.email });
    expect((await listAuditEvents(testDb(), { limit: 2, studyId: a.id })).map((e) => e.at.getTime())).toEqual([
      t0 + 3 * 60_000,
      t0 + 2 * 60_000,
    ]);
  });

  it("a one-statement change's audit insert names its CTE exactly, or refuses", () => {
    const at = new Date();
    expect(auditInsertSql("claimed_now", { actorId: null, action: "x", at }).sql).toContain(`FROM "claimed_now"`);
    for (const bad of ['x"; DROP TABLE "Study', "1changed", "changed1", "Changed", ""])
      expect(() => auditInsertSql(bad, { actorId: null, action: "x", at }), bad).toThrow(/not a CTE name/);
  });

  it("a failed change writes no audit event", async () => {
    const admin = await makeUser(["admin"]);
    await expect(setUserRoles(testDb(), admin.id, "missing", ["chair"])).rejects.toThrow(/missing/);
    expect(await testDb().auditEvent.count({ where: { action: "user.roles" } })).toBe(0);
  });

  it("seeding demo users gives one account per role and is idempotent", async () => {
    const first = await seedDemoUsers(testDb());
    expect(first.created).toHaveLength(ROLES.length);
    const second = await seedDemoUsers(testDb());
    expect(second.created).toHaveLength(0);
    const users = await listUsers(testDb());
    for (const role of ROLES) expect(users.filter((u) => u.roles.includes(role))).toHaveLength(1);
    expect(users.map((u) => u.email).sort()).toEqual(DEMO_USERS.map((u) => u.email).sort());
  });
});

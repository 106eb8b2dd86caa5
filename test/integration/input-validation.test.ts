import { beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createCaller } from "@/server/api/root";
import type { CurrentUser } from "@/server/auth/current-user";
import { makeUser, resetDatabase, testDb } from "../support/db";

let admin: CurrentUser;
const big = "x".repeat(10_000);
const source = {
  name: "Valid",
  baseUrl: "http://127.0.0.1:9/dicom-web",
  authType: "none" as const,
  timeoutMs: 1000,
  capabilities: {},
  locationTag: "00380300",
  backfillDays: 1,
  syncIntervalSeconds: 60,
  enabled: false,
};

beforeAll(async () => {
  await resetDatabase();
  admin = await makeUser(["radiologist", "chair", "scheduler", "admin"]);
});

async function codeAndMessage(promise: Promise<unknown>): Promise<[string, string]> {
  try {
    await promise;
    return ["OK", ""];
  } catch (error) {
    if (error instanceof TRPCError) return [error.code, error.message];
    throw error;
  }
}

// Each bad input must come back as a clear 4xx, never an internal error.
describe("bad input is a clear error", () => {
  const cases: [string, (c: ReturnType<typeof createCaller>) => Promise<unknown>, string, RegExp][] = [
    ["wrong type", (c) => c.users.setRoles({ userId: 42 as unknown as string, roles: [] }), "BAD_REQUEST", /userId/],
    ["unknown role", (c) => c.users.setRoles({ userId: "x", roles: ["janitor" as "admin"] }), "BAD_REQUEST", /roles/],
    ["oversized id", (c) => c.users.setDisabled({ userId: big, disabled: true }), "BAD_REQUEST", /userId/],
    [
      "oversized name",
      (c) => c.users.create({ name: big, email: "a@b.co", password: "long-enough", roles: [] }),
      "BAD_REQUEST",
      /name/,
    ],
    [
      "bad email",
      (c) => c.users.create({ name: "A", email: "not-an-email", password: "long-enough", roles: [] }),
      "BAD_REQUEST",
      /email/,
    ],
    [
      "short password",
      (c) => c.users.create({ name: "A", email: "a@b.co", password: "short", roles: [] }),
      "BAD_REQUEST",
      /password/,
    ],
    ["missing input", (c) => c.users.setDisabled(undefined as never), "BAD_REQUEST", /input|userId/],
    [
      "unknown user id",
      (c) => c.users.setRoles({ userId: "no-such-user", roles: ["chair"] }),
      "NOT_FOUND",
      /no-such-user/,
    ],
    [
      "unknown user id (disable)",
      (c) => c.users.setDisabled({ userId: "no-such-user", disabled: true }),
      "NOT_FOUND",
      /no-such-user/,
    ],
    ["limit out of range", (c) => c.worklist.list({ limit: 1_000_000 }), "BAD_REQUEST", /limit/],
    ["negative window", (c) => c.department.throughput({ windowHours: -1 }), "BAD_REQUEST", /windowHours/],
    ["NaN limit", (c) => c.audit.list({ limit: Number.NaN }), "BAD_REQUEST", /limit/],
    ["source: not a URL", (c) => c.pacsSources.create({ ...source, baseUrl: "pacs.local" }), "BAD_REQUEST", /baseUrl/],
    [
      "source: file URL",
      (c) => c.pacsSources.create({ ...source, baseUrl: "file:///etc/passwd" }),
      "BAD_REQUEST",
      /baseUrl/,
    ],
    [
      "source: bad tag",
      (c) => c.pacsSources.create({ ...source, locationTag: "(0038,0300)" }),
      "BAD_REQUEST",
      /locationTag/,
    ],
    ["source: tiny timeout", (c) => c.pacsSources.create({ ...source, timeoutMs: 1 }), "BAD_REQUEST", /timeoutMs/],
    ["source: unknown id", (c) => c.pacsSources.syncNow({ id: "no-such-source" }), "NOT_FOUND", /no-such-source/],
    [
      "source: unknown id (update)",
      (c) => c.pacsSources.update({ id: "no-such-source", settings: source }),
      "NOT_FOUND",
      /no-such-source/,
    ],
    [
      "settings: a zero target",
      (c) =>
        c.settings.saveWorklistRules({
          claimTimeoutMinutes: 0,
          skipHideMinutes: 30,
          claimTopN: 5,
          viewerUrlTemplate: "x",
        }),
      "BAD_REQUEST",
      /claimTimeoutMinutes/,
    ],
    [
      "settings: a missing SLA row",
      (c) =>
        c.settings.savePriority({
          sla: {},
          aiCriticalTargetMinutes: 15,
          aiUrgentTargetMinutes: 60,
          maxWaitMinutes: null,
        } as never),
      "BAD_REQUEST",
      /sla/,
    ],
    ["source: test without anything", (c) => c.pacsSources.testConnection({}), "BAD_REQUEST", /source id or settings/],
  ];
  for (const [name, call, code, message] of cases) {
    it(name, async () => {
      const [actualCode, actualMessage] = await codeAndMessage(call(createCaller({ db: testDb(), user: admin })));
      expect(actualCode).toBe(code);
      expect(actualMessage).toMatch(message);
    });
  }

  it("a duplicate email is a CONFLICT and creates nothing", async () => {
    const caller = createCaller({ db: testDb(), user: admin });
    const before = await testDb().user.count();
    const [code, message] = await codeAndMessage(
      caller.users.create({ name: "Dup", email: admin.email.toUpperCase(), password: "long-enough", roles: [] }),
    );
    expect(code).toBe("CONFLICT");
    expect(message).toContain(admin.email);
    expect(await testDb().user.count()).toBe(before);
  });

  it("a duplicate source name is a CONFLICT", async () => {
    const caller = createCaller({ db: testDb(), user: admin });
    await caller.pacsSources.create({ ...source, name: "Twice" });
    expect((await codeAndMessage(caller.pacsSources.create({ ...source, name: "Twice" })))[0]).toBe("CONFLICT");
  });

  it("an admin cannot lock themselves out", async () => {
    const caller = createCaller({ db: testDb(), user: admin });
    expect((await codeAndMessage(caller.users.setRoles({ userId: admin.id, roles: ["chair"] })))[0]).toBe(
      "BAD_REQUEST",
    );
    expect((await codeAndMessage(caller.users.setDisabled({ userId: admin.id, disabled: true })))[0]).toBe(
      "BAD_REQUEST",
    );
    const fresh = await testDb().user.findUniqueOrThrow({ where: { id: admin.id } });
    expect(fresh.roles).toContain("admin");
    expect(fresh.disabled).toBe(false);
  });
});

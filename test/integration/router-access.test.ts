import { beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { appRouter, createCaller } from "@/server/api/root";
import { ROLES, type RoleName } from "@/lib/roles";
import type { CurrentUser } from "@/server/auth/current-user";
import { makeUser, resetDatabase, testDb } from "../support/db";
import { createSource } from "@/server/services/pacs-sources";

type Call = (caller: ReturnType<typeof createCaller>) => Promise<unknown>;

let target: CurrentUser;
let sourceId: string;
let n = 0;

// Who may call what. A procedure missing here fails the completeness test below.
const ACCESS: Record<string, { roles: readonly RoleName[] | "signed-in"; call: Call }> = {
  "me.get": { roles: "signed-in", call: (c) => c.me.get() },
  "users.list": { roles: ["admin"], call: (c) => c.users.list() },
  "users.create": {
    roles: ["admin"],
    call: (c) => c.users.create({ name: "New Person", email: `new${++n}@test.local`, password: "long-enough-pw", roles: ["chair"] }),
  },
  "users.setRoles": { roles: ["admin"], call: (c) => c.users.setRoles({ userId: target.id, roles: ["radiologist"] }) },
  "users.setDisabled": { roles: ["admin"], call: (c) => c.users.setDisabled({ userId: target.id, disabled: false }) },
  "audit.list": { roles: ["admin", "chair"], call: (c) => c.audit.list({ limit: 10 }) },
  "worklist.list": { roles: ["radiologist", "scheduler", "chair"], call: (c) => c.worklist.list({ limit: 10 }) },
  "department.throughput": { roles: ["chair", "admin"], call: (c) => c.department.throughput({ windowHours: 24 }) },
  "department.backlog": { roles: ["scheduler", "chair", "admin"], call: (c) => c.department.backlog() },
  "pacsSources.list": { roles: ["admin"], call: (c) => c.pacsSources.list() },
  "pacsSources.create": { roles: ["admin"], call: (c) => c.pacsSources.create(sourceSettings(`Source ${++n}`)) },
  "pacsSources.update": { roles: ["admin"], call: (c) => c.pacsSources.update({ id: sourceId, settings: sourceSettings("Fixed source") }) },
  "pacsSources.setEnabled": { roles: ["admin"], call: (c) => c.pacsSources.setEnabled({ id: sourceId, enabled: true }) },
  "pacsSources.syncNow": { roles: ["admin"], call: (c) => c.pacsSources.syncNow({ id: sourceId }) },
  // Port 9 on loopback: nothing listens, so the test answers at once with ok: false.
  "pacsSources.testConnection": { roles: ["admin"], call: (c) => c.pacsSources.testConnection({ id: sourceId }) },
};

function sourceSettings(name: string) {
  return {
    name, baseUrl: "http://127.0.0.1:9/dicom-web", authType: "none" as const, timeoutMs: 1000, capabilities: {},
    locationTag: "00380300", backfillDays: 1, syncIntervalSeconds: 60, enabled: false,
  };
}

const users = {} as Record<RoleName, CurrentUser>;

beforeAll(async () => {
  await resetDatabase();
  for (const role of ROLES) users[role] = await makeUser([role]);
  target = await makeUser(["scheduler"]);
  sourceId = (await createSource(testDb(), null, sourceSettings("Fixed source"))).id;
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

describe("every router × role", () => {
  it("covers every procedure of the app router", () => {
    expect(Object.keys(appRouter._def.procedures).sort()).toEqual(Object.keys(ACCESS).sort());
  });

  for (const [path, rule] of Object.entries(ACCESS)) {
    it(`${path}: anonymous gets UNAUTHORIZED`, async () => {
      expect(await codeOf(rule.call(createCaller({ db: testDb(), user: null })))).toBe("UNAUTHORIZED");
    });
    for (const role of ROLES) {
      const allowed = rule.roles === "signed-in" || rule.roles.includes(role);
      it(`${path}: ${role} ${allowed ? "is allowed" : "gets FORBIDDEN"}`, async () => {
        const code = await codeOf(rule.call(createCaller({ db: testDb(), user: users[role] })));
        expect(code).toBe(allowed ? "OK" : "FORBIDDEN");
      });
    }
  }

  it("a user with no role may only ask who they are", async () => {
    const nobody = await makeUser([]);
    const caller = createCaller({ db: testDb(), user: nobody });
    for (const [path, rule] of Object.entries(ACCESS)) {
      expect(await codeOf(rule.call(caller)), path).toBe(rule.roles === "signed-in" ? "OK" : "FORBIDDEN");
    }
  });
});

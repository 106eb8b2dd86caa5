// Single sign-on, the parts outside the browser (e2e/13-sso.spec.ts drives the whole flow):
// the provider check the sign-in page asks before sending the browser away, against a real
// OpenID Connect provider, and roles set from an ID token's groups, with their audit event.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkIdentityProvider, syncSsoRoles, SSO_PROVIDER_ID, type SsoSettings } from "@/server/auth/sso";
import { parseRoleMap } from "@/lib/auth/sso-roles";
import { startTestIdp, type TestIdp } from "../support/oidc-idp";
import { freePort } from "../support/test-database";
import { makeUser, resetDatabase, testDb } from "../support/db";

let idp: TestIdp;
let port: number;
const settings = (issuer: string): SsoSettings => ({
  issuer,
  clientId: "readnext",
  clientSecret: "x",
  displayName: "Hospital SSO",
  scopes: ["openid"],
  rolesClaim: "groups",
  roleMap: parseRoleMap("radiologists=radiologist,rad-leads=chair,rad-leads=scheduler"),
});

beforeAll(async () => {
  port = await freePort();
  idp = await startTestIdp({ port, redirectUri: "http://127.0.0.1:9/api/auth/callback/hospital", accounts: {} });
});
afterAll(() => idp?.stop());
beforeEach(() => resetDatabase());

describe("is the provider there? (asked before the browser is sent to it)", () => {
  it("a provider that answers its discovery document as OIDC_ISSUER: yes", async () => {
    expect(await checkIdentityProvider(settings(idp.issuer))).toEqual({ ok: true });
  });

  it("down, wrong path, wrong name, nothing listening: no, and why", async () => {
    await fetch(`${idp.issuer}/_test/down?on=1`, { method: "POST" });
    try {
      expect(await checkIdentityProvider(settings(idp.issuer))).toEqual({ ok: false, problem: "it answered HTTP 503" });
    } finally {
      await fetch(`${idp.issuer}/_test/down?on=0`, { method: "POST" });
    }
    expect(await checkIdentityProvider(settings(`${idp.issuer}/realms/wrong`))).toEqual({
      ok: false,
      problem: "it answered HTTP 404",
    });
    // Reached by another name than the one it gives itself: ID tokens would not verify.
    const twin = idp.issuer.replace("127.0.0.1", "localhost");
    expect(await checkIdentityProvider(settings(twin))).toEqual({
      ok: false,
      problem: `it names itself "${idp.issuer}", not OIDC_ISSUER (${twin})`,
    });
    const closed = await freePort();
    expect(await checkIdentityProvider(settings(`http://127.0.0.1:${closed}`))).toEqual({
      ok: false,
      problem: "it cannot be reached (ECONNREFUSED)",
    });
  });
});

describe("roles from the ID token at sign-in", () => {
  /** An unsigned token is enough here: Better Auth verified the real one before storing it. */
  const idToken = (claims: object) =>
    ["eyJhbGciOiJSUzI1NiJ9", Buffer.from(JSON.stringify(claims)).toString("base64url"), "sig"].join(".");

  async function ssoUser(groups: unknown) {
    const user = await makeUser(["admin"]);
    await testDb().account.create({
      data: {
        id: `acc-${user.id}`,
        userId: user.id,
        providerId: SSO_PROVIDER_ID,
        accountId: `sub-${user.id}`,
        idToken: idToken({ sub: "x", groups }),
        createdAt: new Date(),
        updatedAt: new Date(),
      },
    });
    return user;
  }

  it("become what the groups map to, replacing what was there, audited", async () => {
    const user = await ssoUser(["rad-leads", "staff"]);
    expect(await syncSsoRoles(testDb(), user.id, settings(idp.issuer))).toEqual(["chair", "scheduler"]);
    expect((await testDb().user.findUniqueOrThrow({ where: { id: user.id } })).roles).toEqual(["chair", "scheduler"]);
    const event = await testDb().auditEvent.findFirstOrThrow({ where: { action: "user.sso-roles" } });
    expect(event).toMatchObject({ actorId: user.id, details: { from: ["admin"], to: ["chair", "scheduler"] } });
    // The same groups again: nothing changes, nothing more is written.
    await syncSsoRoles(testDb(), user.id, settings(idp.issuer));
    expect(await testDb().auditEvent.count({ where: { action: "user.sso-roles" } })).toBe(1);
  });

  it("no mapped group (or no groups claim at all): no roles", async () => {
    const user = await ssoUser(["staff"]);
    expect(await syncSsoRoles(testDb(), user.id, settings(idp.issuer))).toEqual([]);
    expect((await testDb().user.findUniqueOrThrow({ where: { id: user.id } })).roles).toEqual([]);
    const other = await ssoUser(undefined);
    expect(await syncSsoRoles(testDb(), other.id, settings(idp.issuer))).toEqual([]);
  });
});

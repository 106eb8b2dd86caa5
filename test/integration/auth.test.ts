import { beforeEach, describe, expect, it } from "vitest";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { auth, buildAuth } from "@/server/auth/auth";
import { getCurrentUser } from "@/server/auth/current-user";
import { appRouter } from "@/server/api/root";
import { createContext } from "@/server/api/context";
import { setUserDisabled } from "@/server/users/users";
import { makeUser, resetDatabase, testDb } from "../support/db";
import { signIn, TEST_ORIGIN } from "../support/sign-in";

const ORIGIN = TEST_ORIGIN;

function trpcHttp(path: string, cookie: string | null, input?: unknown, method: "GET" | "POST" = "GET") {
  const url = new URL(`${ORIGIN}/api/trpc/${path}`);
  const headers = new Headers({ "content-type": "application/json" });
  if (cookie) headers.set("cookie", cookie);
  if (method === "GET" && input !== undefined) url.searchParams.set("input", JSON.stringify({ json: input }));
  const req = new Request(url, {
    method,
    headers,
    body: method === "POST" ? JSON.stringify({ json: input }) : undefined,
  });
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext(req.headers),
  });
}

beforeEach(() => resetDatabase());

describe("sign-in with Better Auth on the real database", () => {
  it("a correct password gives a session that resolves to the user and their roles", async () => {
    const user = await makeUser(["chair", "scheduler"], "a-good-password");
    const { status, cookie } = await signIn(user.email, "a-good-password");
    expect(status).toBe(200);
    expect(cookie).toMatch(/session_token=/);
    const current = await getCurrentUser(testDb(), new Headers({ cookie: cookie! }));
    expect(current).toMatchObject({ id: user.id, email: user.email });
    expect(current!.roles.sort()).toEqual(["chair", "scheduler"]);
  });

  it("a wrong password is refused and no session is created", async () => {
    const user = await makeUser(["radiologist"], "a-good-password");
    const { status, cookie } = await signIn(user.email, "wrong-password");
    expect(status).toBe(401);
    expect(cookie).toBeNull();
    expect(await testDb().session.count()).toBe(0);
  });

  it("self sign-up is closed: accounts come from administrators", async () => {
    const response = await auth().handler(
      new Request(`${ORIGIN}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ email: "intruder@test.local", password: "intruder-password", name: "Intruder" }),
      }),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await testDb().user.count({ where: { email: "intruder@test.local" } })).toBe(0);
  });

  it("disabling a user ends their sessions and blocks new sign-ins, at once, even with the cached session cookie", async () => {
    const admin = await makeUser(["admin"]);
    const user = await makeUser(["radiologist"], "a-good-password");
    const { cookie } = await signIn(user.email, "a-good-password");
    expect(cookie).toMatch(/session_data=/); // the session is cached in a signed cookie (no database read for it)
    expect(await getCurrentUser(testDb(), new Headers({ cookie: cookie! }))).toMatchObject({ id: user.id });
    await setUserDisabled(testDb(), admin.id, user.id, true);
    expect(await getCurrentUser(testDb(), new Headers({ cookie: cookie! }))).toBeNull();
    expect(await trpcHttp("worklist.nextCase", cookie, undefined, "POST").then((r) => r.status)).toBe(401);
    const again = await signIn(user.email, "a-good-password");
    expect(again.cookie).toBeNull();
    expect(await testDb().session.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("tRPC over HTTP", () => {
  it("answers 401 to the anonymous, 403 to the wrong role, 200 to the right one", async () => {
    const radiologist = await makeUser(["radiologist"], "a-good-password");
    const { cookie } = await signIn(radiologist.email, "a-good-password");
    expect((await trpcHttp("users.list", null)).status).toBe(401);
    expect((await trpcHttp("users.list", cookie)).status).toBe(403);
    const me = await trpcHttp("me.get", cookie);
    expect(me.status).toBe(200);
    const body = (await me.json()) as { result: { data: { json: { email: string; sections: { href: string }[] } } } };
    expect(body.result.data.json.email).toBe(radiologist.email);
    expect(body.result.data.json.sections.map((s) => s.href)).toEqual(["/worklist"]);
  });

  it("answers 400 with the field named, not 500, to malformed input", async () => {
    const admin = await makeUser(["admin"], "a-good-password");
    const { cookie } = await signIn(admin.email, "a-good-password");
    const response = await trpcHttp("users.setRoles", cookie, { userId: { nested: true }, roles: "admin" }, "POST");
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/userId/);
    const garbage = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`${ORIGIN}/api/trpc/users.create`, {
        method: "POST",
        headers: { cookie: cookie!, "content-type": "application/json" },
        body: "{not json",
      }),
      router: appRouter,
      createContext: () => createContext(new Headers({ cookie: cookie! })),
    });
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect(garbage.status).toBeLessThan(500);
  });
});

describe("session cookies", () => {
  async function signInCookies(baseURL: string): Promise<string[]> {
    const user = await makeUser(["radiologist"], "a-good-password");
    const origin = new URL(baseURL).origin;
    const response = await buildAuth(testDb(), "cookie-test-secret-cookie-test-secret", baseURL, 100).handler(
      new Request(`${origin}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin },
        body: JSON.stringify({ email: user.email, password: "a-good-password" }),
      }),
    );
    expect(response.status).toBe(200);
    return response.headers.getSetCookie();
  }

  it("are Secure, HttpOnly and SameSite=Lax when the public URL is https", async () => {
    const cookies = await signInCookies("https://readnext.hospital.example");
    const session = cookies.find((c) => c.includes("session_token="))!;
    expect(session).toMatch(/^__Secure-/);
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    for (const cookie of cookies) expect(cookie).toMatch(/;\s*Secure/i);
  });

  it("are not Secure on a plain-http install (the browser would drop them)", async () => {
    const cookies = await signInCookies("http://127.0.0.1:3000");
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).not.toMatch(/;\s*Secure/i);
  });
});

describe("idle logout, enforced by the server (IDLE_LOGOUT_MINUTES, 30 by default)", () => {
  async function signedIn() {
    const user = await makeUser(["radiologist"], "a-good-password");
    const { cookie } = await signIn(user.email, "a-good-password");
    const session = await testDb().session.findFirstOrThrow({ where: { userId: user.id } });
    return { user, cookie: cookie!, session };
  }
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

  it("a session used 29 minutes ago still works; one idle for 31 minutes is ended at the next request", async () => {
    const { user, cookie, session } = await signedIn();
    await testDb().session.update({ where: { id: session.id }, data: { lastActiveAt: minutesAgo(29) } });
    expect(await getCurrentUser(testDb(), new Headers({ cookie }))).toMatchObject({ id: user.id });

    await testDb().session.update({ where: { id: session.id }, data: { lastActiveAt: minutesAgo(31) } });
    expect(await getCurrentUser(testDb(), new Headers({ cookie }))).toBeNull();
    // Ended for good: the row is gone, and the signed cookie cache does not bring it back.
    expect(await testDb().session.count({ where: { id: session.id } })).toBe(0);
    expect(await getCurrentUser(testDb(), new Headers({ cookie }))).toBeNull();
    expect((await trpcHttp("me.get", cookie)).status).toBe(401);
  });

  it("a key or click (me.active) restarts the idle clock; background refreshes do not", async () => {
    const { cookie, session } = await signedIn();
    await testDb().session.update({ where: { id: session.id }, data: { lastActiveAt: minutesAgo(20) } });
    expect((await trpcHttp("me.get", cookie)).status).toBe(200);
    expect((await trpcHttp("worklist.list", cookie, {})).status).toBe(200);
    const afterRefresh = await testDb().session.findUniqueOrThrow({ where: { id: session.id } });
    expect(afterRefresh.lastActiveAt.getTime()).toBeLessThan(minutesAgo(19).getTime());

    expect((await trpcHttp("me.active", cookie, undefined, "POST")).status).toBe(200);
    const afterActivity = await testDb().session.findUniqueOrThrow({ where: { id: session.id } });
    expect(afterActivity.lastActiveAt.getTime()).toBeGreaterThan(minutesAgo(1).getTime());
  });

  it("signing out ends the session at once, even within the signed cookie cache's minute", async () => {
    const { user, cookie } = await signedIn();
    expect(await getCurrentUser(testDb(), new Headers({ cookie }))).toMatchObject({ id: user.id });
    const out = await auth().handler(
      new Request(`${ORIGIN}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: ORIGIN } }),
    );
    expect(out.status).toBe(200);
    expect(await getCurrentUser(testDb(), new Headers({ cookie }))).toBeNull();
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { auth } from "@/server/auth/auth";
import { getCurrentUser } from "@/server/auth/current-user";
import { appRouter } from "@/server/api/root";
import { createContext } from "@/server/api/context";
import { setUserDisabled } from "@/server/users/users";
import { makeUser, resetDatabase, testDb } from "../support/db";

const ORIGIN = "http://localhost:3000";

async function signIn(email: string, password: string): Promise<{ status: number; cookie: string | null }> {
  const response = await auth().handler(
    new Request(`${ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ email, password }),
    }),
  );
  // Every cookie the browser would keep: the session token and the signed session cache.
  const cookies = response.headers.getSetCookie().map((c) => c.split(";")[0]!);
  return { status: response.status, cookie: cookies.length ? cookies.join("; ") : null };
}

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

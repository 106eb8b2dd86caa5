// Malformed and oversized input to every HTTP endpoint outside tRPC (the RIS endpoint, /metrics,
// the key-image preview, the viewer link, the audit export, the model card, health, the SSO
// check, Better Auth's handler), found from the route files themselves: a route added tomorrow is
// covered without touching this file. tRPC has its own (procedure-fuzz.test.ts). Each request,
// signed in or not, must get an answer below 500, and a refused one (4xx) must leave every table
// as it was (one that happens to be valid may write: an audit export audits itself).
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { makeOfflineSource, makeUser, resetDatabase } from "../support/db";
import { signIn, TEST_ORIGIN } from "../support/sign-in";
import { tableDigester } from "../support/table-digest";

// The RIS endpoint answers 503 while it is off; on, its input checks are what is tried.
vi.hoisted(() => {
  process.env.RIS_API_TOKEN = "fuzz-ris-token-fuzz-ris-token";
});

const ROOT = path.resolve(import.meta.dirname, "../..");
// Covered elsewhere: tRPC by procedure-fuzz.test.ts (the router's own input parsing).
const SKIP = new Set(["app/api/trpc/[trpc]/route.ts"]);
const routeFiles = readdirSync(path.join(ROOT, "app"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(`${path.sep}route.ts`) || f === "route.ts")
  .map((f) => path.join("app", f).split(path.sep).join("/"))
  .filter((f) => !SKIP.has(f))
  .sort();
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** The URL path a route file serves, with each dynamic segment filled by `value`. */
function urlPath(file: string, value: string): { path: string; params: Record<string, string | string[]> } {
  const params: Record<string, string | string[]> = {};
  const segments = file
    .replace(/^app\//, "")
    .replace(/\/?route\.ts$/, "")
    .split("/")
    .filter((s) => s && !/^\(.*\)$/.test(s))
    .map((s) => {
      const catchAll = /^\[\.\.\.(.+)\]$/.exec(s);
      if (catchAll) return (params[catchAll[1]!] = [value, value]).map(encodeURIComponent).join("/");
      const dynamic = /^\[(.+)\]$/.exec(s);
      if (dynamic) return encodeURIComponent((params[dynamic[1]!] = value));
      return s;
    });
  return { path: `/${segments.join("/")}`, params };
}

const PARAM_VALUES = ["", "x".repeat(10_000), "../../../etc/passwd", "\u0000", "' OR 1=1 --", "💥", "-1", "null"];
const QUERIES = [
  "",
  "?from=not-a-date&to=%FF%FE&limit=-1&offset=1e99&page=NaN",
  "?__proto__[admin]=true&constructor=1&action=study.read&actor=" + "é".repeat(5_000),
  "?" + "a=1&".repeat(20_000),
];
const deep = (d: number): unknown => (d === 0 ? 1 : { a: deep(d - 1) });
const BODIES: [string, string, string][] = [
  ["no body", "", "application/json"],
  ["broken JSON", '{"accessionNumber": ', "application/json"],
  ["JSON null", "null", "application/json"],
  ["an array", "[1,2,3]", "application/json"],
  ["a 2 MB string", JSON.stringify({ accessionNumber: "x".repeat(2_000_000) }), "application/json"],
  ["nesting 500 deep", JSON.stringify(deep(500)), "application/json"],
  ["wrong types", JSON.stringify({ accessionNumber: 42, email: [], password: {} }), "application/json"],
  ["a form, not JSON", "accessionNumber=ACC1", "application/x-www-form-urlencoded"],
  ["binary", "\u0000\u0001\u0002\uFFFD", "application/octet-stream"],
];
const AUTH_HEADERS = [null, "Bearer " + "x".repeat(10_000), "Basic !!!", "Bearer", "Bearer \u00ff\u00fe"];

let cookie = "";
let snapshot: () => Promise<Record<string, string>>;

beforeAll(async () => {
  await resetDatabase();
  await makeOfflineSource();
  const user = await makeUser(["radiologist", "chair", "scheduler", "admin"]);
  const signedIn = await signIn(user.email, "correct-horse-battery");
  expect(signedIn.cookie).not.toBeNull();
  cookie = signedIn.cookie!;
  // Sign-in bookkeeping (sessions, rate-limit counters) may change under Better Auth's own
  // handler; everything ReadNext keeps must not.
  snapshot = await tableDigester(["session", "rateLimit", "verification"]);
});

describe("every HTTP endpoint outside tRPC, given bad input", () => {
  it("finds the routes (a route file moved or renamed would otherwise go untested)", () => {
    for (const expected of [
      "app/api/ris/read/route.ts",
      "app/metrics/route.ts",
      "app/api/ai-results/[id]/preview/route.ts",
      "app/api/health/route.ts",
      "app/api/studies/[id]/viewer/route.ts",
      "app/api/audit/export/route.ts",
    ])
      expect(routeFiles).toContain(expected);
  });

  for (const file of routeFiles) {
    it(`${file}: an answer below 500 to every bad request, signed in or not; a refused one writes nothing`, async () => {
      const route = (await import(`@/${file.replace(/\.ts$/, "")}`)) as Record<
        string,
        (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>
      >;
      const handlers = METHODS.filter((m) => typeof route[m] === "function");
      expect(handlers.length, `${file} exports no handler`).toBeGreaterThan(0);
      const failures: string[] = [];
      for (const method of handlers) {
        for (const [i, value] of PARAM_VALUES.entries()) {
          const target = urlPath(file, value);
          const query = QUERIES[i % QUERIES.length]!;
          const bodies = method === "GET" || method === "DELETE" ? [BODIES[0]!] : BODIES;
          for (const [what, body, type] of bodies)
            for (const [k, authorization] of AUTH_HEADERS.entries()) {
              const headers = new Headers({ "content-type": type, origin: TEST_ORIGIN });
              if (authorization) headers.set("authorization", authorization);
              // Every other request carries the signed-in cookie: input checks must hold behind the login too.
              if (k % 2 === 0) headers.set("cookie", cookie);
              const request = new Request(`${TEST_ORIGIN}${target.path}${query}`, {
                method,
                headers,
                ...(body ? { body } : {}),
              });
              const before = await snapshot();
              let status: number;
              try {
                status = (await route[method]!(request, { params: Promise.resolve(target.params) })).status;
              } catch (error) {
                status = 599;
                failures.push(`${method} ${target.path.slice(0, 80)} (${what}): threw ${String(error).slice(0, 200)}`);
                continue;
              }
              if (status >= 500) failures.push(`${method} ${target.path.slice(0, 80)} (${what}): HTTP ${status}`);
              else if (status >= 400 && JSON.stringify(await snapshot()) !== JSON.stringify(before))
                failures.push(`${method} ${target.path.slice(0, 80)} (${what}): refused with ${status} but wrote`);
            }
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);
  }
});

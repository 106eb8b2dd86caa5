import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { signIn } from "./helpers";

// Every route the app has, read from app/ (so a new page or API route is covered without editing
// this list): route groups dropped, dynamic segments filled with a value that need not exist —
// an error response must carry the headers too.
function appRoutes(dir = "app", prefix = ""): { path: string; kind: "page" | "route" }[] {
  const found: { path: string; kind: "page" | "route" }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith("_")) continue;
      const segment = entry.name.startsWith("(")
        ? ""
        : entry.name.startsWith("[...")
          ? "/get-session"
          : entry.name.startsWith("[")
            ? "/no-such-id"
            : `/${entry.name}`;
      found.push(...appRoutes(full, prefix + segment));
    } else if (entry.name === "page.tsx") found.push({ path: prefix || "/", kind: "page" });
    else if (entry.name === "route.ts") found.push({ path: prefix || "/", kind: "route" });
  }
  return found;
}

// Headers a security review (OWASP ASVS 14.4) expects; the values are the policy we chose, written out here.
function expectSecurityHeaders(response: APIResponse, what: string) {
  const h = response.headers();
  expect(h["x-content-type-options"], what).toBe("nosniff");
  expect(h["x-frame-options"], what).toBe("DENY");
  expect(h["referrer-policy"], what).toBe("no-referrer");
  expect(h["x-powered-by"], what).toBeUndefined();
  // Served over http here: HSTS must not be sent (it would pin a plain-http install).
  expect(h["strict-transport-security"], what).toBeUndefined();
}

function expectContentSecurityPolicy(response: APIResponse, what: string) {
  const csp = response.headers()["content-security-policy"] ?? "";
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toContain("object-src 'none'");
  const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
  expect(scriptSrc, what).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
  expect(scriptSrc, what).not.toContain("unsafe-inline");
  expect(scriptSrc, what).not.toContain("unsafe-eval");
}

const routes = appRoutes();

test("every page and API route answers with the security headers, signed in or not", async ({ page, request }) => {
  expect(routes.filter((r) => r.kind === "page").length).toBeGreaterThanOrEqual(8);
  expect(routes.filter((r) => r.kind === "route").length).toBeGreaterThanOrEqual(6);
  const signedOut = await Promise.all(
    routes.map(async (r) => [r, await request.get(r.path, { maxRedirects: 0 })] as const),
  );
  await signIn(page, "admin@readnext.local");
  const signedIn = await Promise.all(
    routes.map(async (r) => [r, await page.request.get(r.path, { maxRedirects: 0 })] as const),
  );
  for (const [who, answers] of [
    ["signed out", signedOut],
    ["signed in", signedIn],
  ] as const)
    for (const [route, response] of answers) {
      const what = `${route.kind} ${route.path} (${who}, ${response.status()})`;
      expectSecurityHeaders(response, what);
      // tRPC answers JSON to the app's own scripts on every click and refresh: no document to protect (nosniff
      // keeps a browser from rendering it), so it skips the per-request proxy (proxy.ts) and its cost.
      if (!route.path.startsWith("/api/trpc")) expectContentSecurityPolicy(response, what);
    }
  // Each request gets its own nonce.
  const nonces = new Set(
    signedIn.map(([, r]) => /'nonce-([^']+)'/.exec(r.headers()["content-security-policy"] ?? "")?.[1]),
  );
  expect(nonces.size).toBe(signedIn.length);
});

test("built scripts and styles carry the fixed headers", async ({ page, request }) => {
  await page.goto("/sign-in");
  const assets = await page
    .locator("script[src^='/_next/static'], link[rel=stylesheet][href^='/_next/static']")
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute("src") ?? n.getAttribute("href") ?? ""));
  expect(assets.length).toBeGreaterThan(0);
  for (const asset of assets.slice(0, 5)) expectSecurityHeaders(await request.get(asset), asset);
});

async function collectViolations(page: Page) {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  return () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

// The policy must not break the product: every page works under it, and nothing is blocked.
for (const [email, paths, ready] of [
  ["radiologist@readnext.local", ["/worklist"], "worklist-count"],
  ["chair@readnext.local", ["/throughput", "/what-if", "/audit"], null],
  ["scheduler@readnext.local", ["/backlog"], null],
  ["admin@readnext.local", ["/admin"], null],
] as const) {
  test(`${paths.join(" and ")} run under the policy with nothing blocked (${email.split("@")[0]})`, async ({
    page,
  }) => {
    const violations = await collectViolations(page);
    await signIn(page, email);
    for (const p of paths) {
      await page.goto(p);
      await expect(page.getByTestId("current-user")).toBeVisible();
      if (ready) await expect(page.getByTestId(ready)).toHaveText(/open studies/);
      // Next.js's own scripts ran (they need this request's nonce): its client runtime announces itself.
      expect(
        await page.evaluate(() => typeof (window as unknown as { next?: { version?: string } }).next?.version),
      ).toBe("string");
      expect(await violations(), p).toEqual([]);
    }
  });
}

test("the sign-in page runs under the policy: signing in works and nothing is blocked", async ({ page }) => {
  const violations = await collectViolations(page);
  await signIn(page, "radiologist@readnext.local");
  expect(await violations()).toEqual([]);
});

import { describe, expect, it } from "vitest";
import {
  contentSecurityPolicy,
  FIXED_SECURITY_HEADERS,
  perRequestSecurityHeaders,
} from "@/lib/security/response-headers";

const directives = (csp: string) => new Map(csp.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));

describe("security headers", () => {
  it("scripts run only with the request's nonce: no inline script, no eval, no plugins, no framing", () => {
    const csp = directives(contentSecurityPolicy({ nonce: "abc123==", https: false, development: false }));
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'self'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("default-src")).toEqual(["'self'"]);
    expect(csp.has("upgrade-insecure-requests")).toBe(false);
  });

  it("next dev alone may eval (its error overlay)", () => {
    const csp = directives(contentSecurityPolicy({ nonce: "n", https: false, development: true }));
    expect(csp.get("script-src")).toContain("'unsafe-eval'");
  });

  it("over https: HSTS for a year and http subresources upgraded; over http neither", () => {
    const https = perRequestSecurityHeaders({ nonce: "n", https: true, development: false });
    expect(https["Strict-Transport-Security"]).toBe("max-age=31536000; includeSubDomains");
    expect(directives(https["Content-Security-Policy"]!).has("upgrade-insecure-requests")).toBe(true);
    const http = perRequestSecurityHeaders({ nonce: "n", https: false, development: false });
    expect(http["Strict-Transport-Security"]).toBeUndefined();
  });

  it("the fixed headers: nosniff, no framing, no referrer, no powerful features", () => {
    const fixed = Object.fromEntries(FIXED_SECURITY_HEADERS.map((h) => [h.key, h.value]));
    expect(fixed).toMatchObject({
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "no-referrer",
    });
    expect(fixed["Permissions-Policy"]).toContain("camera=()");
  });
});

// Runs before every route except built static files: a fresh CSP nonce per request (Next.js
// reads it from the request's CSP header and stamps it on its scripts), HSTS when served over https.
import { NextResponse, type NextRequest } from "next/server";
import { perRequestSecurityHeaders } from "@/lib/security/response-headers";
import { env } from "@/server/env";

export function proxy(request: NextRequest) {
  const { BETTER_AUTH_URL, NODE_ENV } = env();
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const headers = perRequestSecurityHeaders({
    nonce,
    https: BETTER_AUTH_URL.startsWith("https:"),
    development: NODE_ENV === "development",
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Built static files and tRPC's JSON carry the fixed headers from next.config.ts; neither is a document,
  // and tRPC is the hot path (the proxy cost several ms of CPU per Next case: npm run bench -- worklist-http).
  matcher: ["/((?!api/trpc|_next/static|_next/image|favicon.ico).*)"],
};

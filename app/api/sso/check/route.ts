import { checkIdentityProvider, ssoSettings } from "@/server/auth/sso";

export const dynamic = "force-dynamic";

let last: { at: number; result: Awaited<ReturnType<typeof checkIdentityProvider>> } | null = null;

/**
 * GET /api/sso/check: whether the hospital's identity provider answers now, asked by the sign-in
 * page before it sends the browser there. Anyone may ask (it is before sign-in); a failure is
 * kept for 5 s, so clicks on a provider that is down do not become a stream of requests to it.
 */
export async function GET() {
  const sso = ssoSettings();
  if (!sso) return Response.json({ enabled: false }, { status: 404 });
  if (!last || Date.now() - last.at > 5_000) {
    const result = await checkIdentityProvider(sso);
    last = result.ok ? null : { at: Date.now(), result };
    return Response.json({ enabled: true, ...result }, { headers: { "Cache-Control": "no-store" } });
  }
  return Response.json({ enabled: true, ...last.result }, { headers: { "Cache-Control": "no-store" } });
}

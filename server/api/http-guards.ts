// What route handlers outside tRPC (RIS, /metrics, the key-slice preview) share with the
// routers: a constant-time bearer-token check and the same role rule as roleProcedure.
import { timingSafeEqual } from "node:crypto";
import { hasAnyRole, type RoleName } from "@/lib/roles";
import type { Db } from "../db/client";
import { getCurrentUser, type CurrentUser } from "../auth/current-user";

/** Whether an Authorization header carries exactly `Bearer <token>` (scheme case-insensitive), compared in constant time. */
export function bearerTokenMatches(authorization: string | null, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "");
  const given = Buffer.from(match?.[1] ?? "");
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The signed-in user holding one of `roles`, or the 401 / 403 answer to send instead (as roleProcedure decides). */
export async function userWithRole(
  db: Db,
  request: Request,
  roles: readonly RoleName[],
): Promise<{ user: CurrentUser } | { response: Response }> {
  const user = await getCurrentUser(db, request.headers);
  if (!user) return { response: new Response("Sign in first\n", { status: 401 }) };
  if (!hasAnyRole(user.roles, roles))
    return { response: new Response(`Requires the ${roles.join(" or ")} role.\n`, { status: 403 }) };
  return { user };
}

/**
 * A record id from a URL path (cuid and the like), or null: anything else (a NUL byte, which
 * Postgres refuses in text, a path, a 10,000-character string) is "not found", never a query.
 */
export function recordIdParam(value: string): string | null {
  return /^[A-Za-z0-9_-]{1,100}$/.test(value) ? value : null;
}

import { genericOAuth } from "better-auth/plugins";
import type { Db } from "../db/client";
import { env } from "../env";
import { recordAudit } from "../core/audit";
import { parseRoleMap, rolesFromClaims, type RoleMap } from "@/lib/auth/sso-roles";
import type { RoleName } from "@/lib/roles";

/**
 * Single sign-on with the hospital's OpenID Connect provider (Better Auth's generic OAuth plugin:
 * discovery, authorization code with PKCE, ID tokens verified against the provider's keys).
 * Roles come from a claim of the ID token at every sign-in (OIDC_ROLE_MAP); local accounts
 * keep working beside it for break-glass administrators.
 */
export const SSO_PROVIDER_ID = "hospital";

export type SsoSettings = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  scopes: string[];
  rolesClaim: string;
  roleMap: RoleMap;
};

export function ssoSettings(): SsoSettings | null {
  const e = env();
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET || !e.OIDC_ROLE_MAP) return null;
  return {
    issuer: e.OIDC_ISSUER.replace(/\/+$/, ""),
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    displayName: e.OIDC_DISPLAY_NAME,
    scopes: e.OIDC_SCOPES.split(/\s+/).filter(Boolean),
    rolesClaim: e.OIDC_ROLES_CLAIM,
    roleMap: parseRoleMap(e.OIDC_ROLE_MAP),
  };
}

const discoveryUrl = (s: SsoSettings) => `${s.issuer}/.well-known/openid-configuration`;

export function ssoPlugin(s: SsoSettings) {
  return genericOAuth({
    config: [
      {
        providerId: SSO_PROVIDER_ID,
        name: s.displayName,
        discoveryUrl: discoveryUrl(s),
        clientId: s.clientId,
        clientSecret: s.clientSecret,
        scopes: s.scopes,
        pkce: true,
        // Roles are read from the ID token: it must be signed by the provider's published keys.
        requireIdTokenVerification: true,
        // Name and email follow the provider at each sign-in.
        overrideUserInfo: true,
      },
    ],
  });
}

/** An ID token's claims (its signature was checked by Better Auth before it was stored). */
function idTokenClaims(idToken: string): Record<string, unknown> {
  const payload = idToken.split(".")[1];
  if (!payload) return {};
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * After a sign-in through the provider: the user's roles become what their groups map to (the
 * provider is the source of truth for SSO users), audited when they change. Returns the roles.
 */
export async function syncSsoRoles(database: Db, userId: string, s: SsoSettings): Promise<RoleName[]> {
  const account = await database.account.findFirst({
    where: { userId, providerId: SSO_PROVIDER_ID },
    orderBy: { updatedAt: "desc" },
    select: { idToken: true },
  });
  const roles = account?.idToken ? rolesFromClaims(idTokenClaims(account.idToken), s.rolesClaim, s.roleMap) : [];
  const user = await database.user.findUnique({ where: { id: userId }, select: { roles: true } });
  if (user && [...user.roles].sort().join() !== [...roles].sort().join()) {
    await database.$transaction(async (tx) => {
      await tx.user.update({ where: { id: userId }, data: { roles } });
      await recordAudit(tx, {
        actorId: userId,
        action: "user.sso-roles",
        details: { from: user.roles, to: roles, claim: s.rolesClaim },
      });
    });
  }
  return roles;
}

/**
 * Whether the provider answers its discovery document now, in words for the sign-in page: checked
 * before the browser is sent there, so a provider that is down or misconfigured gives a clear
 * message here (and local sign-in) rather than a browser error page.
 */
export async function checkIdentityProvider(s: SsoSettings): Promise<{ ok: true } | { ok: false; problem: string }> {
  try {
    const response = await fetch(discoveryUrl(s), { signal: AbortSignal.timeout(4000), redirect: "follow" });
    if (!response.ok) return { ok: false, problem: `it answered HTTP ${response.status}` };
    const doc = (await response.json()) as { issuer?: string; authorization_endpoint?: string };
    if (doc.issuer?.replace(/\/+$/, "") !== s.issuer)
      return { ok: false, problem: `it names itself "${doc.issuer ?? "nothing"}", not OIDC_ISSUER (${s.issuer})` };
    if (!doc.authorization_endpoint)
      return { ok: false, problem: "its discovery document has no authorization endpoint" };
    return { ok: true };
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
    return {
      ok: false,
      problem: cause ? `it cannot be reached (${cause})` : `it cannot be reached (${(error as Error).message})`,
    };
  }
}

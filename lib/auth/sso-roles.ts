import { ROLES, type RoleName } from "../roles";

/**
 * Single sign-on roles: which ReadNext roles a hospital identity gets, from a claim of its ID
 * token (usually its groups) and the site's map (OIDC_ROLE_MAP, "group=role,group=role").
 * Pure: the server reads the claim (server/auth/sso.ts).
 */
export type RoleMap = ReadonlyMap<string, readonly RoleName[]>;

/**
 * "rad-admins=admin, radiologists=radiologist, radiologists=chair" → group → roles; throws with the
 * bad part named. Pairs are split at ";" when there is one (group names such as LDAP DNs hold
 * commas), else at ",".
 */
export function parseRoleMap(text: string): RoleMap {
  const map = new Map<string, RoleName[]>();
  const pairs = text
    .split(text.includes(";") ? ";" : ",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (pairs.length === 0) throw new Error('is empty: give pairs such as "rad-admins=admin,radiologists=radiologist"');
  for (const pair of pairs) {
    const at = pair.lastIndexOf("=");
    const group = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at <= 0 || !group || !role) throw new Error(`"${pair}" is not group=role`);
    if (!(ROLES as readonly string[]).includes(role))
      throw new Error(`"${pair}": "${role}" is not a role (${ROLES.join(", ")})`);
    const roles = map.get(group) ?? [];
    if (!roles.includes(role as RoleName)) roles.push(role as RoleName);
    map.set(group, roles);
  }
  return map;
}

/** A claim by name; a dotted name reaches into objects (Keycloak's "realm_access.roles"). */
export function claimValues(claims: Record<string, unknown>, name: string): string[] {
  const direct = claims[name];
  const value =
    direct !== undefined
      ? direct
      : name
          .split(".")
          .reduce<unknown>(
            (v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined),
            claims,
          );
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** The roles the identity's groups map to, in ReadNext's role order; none when no group is mapped. */
export function rolesFromClaims(claims: Record<string, unknown>, claimName: string, map: RoleMap): RoleName[] {
  const granted = new Set(claimValues(claims, claimName).flatMap((group) => map.get(group) ?? []));
  return ROLES.filter((r) => granted.has(r));
}

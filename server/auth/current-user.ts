import { cachedPlan, hotQuery, type Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { RoleName } from "@/lib/roles";
import { env } from "../env";
import { auth } from "./auth";

export type CurrentUser = {
  id: string;
  name: string;
  email: string;
  roles: RoleName[];
  /** The session behind this request (null for callers without one: scripts and tests). */
  sessionId: string | null;
};

/**
 * The signed-in, enabled user behind these request headers, with roles read fresh from the
 * database. The session must still exist (signed out elsewhere or revoked: null at once, despite
 * the signed session cookie cache) and must not be idle: a session unused for IDLE_LOGOUT_MINUTES
 * is ended here, whatever the browser does.
 */
export async function getCurrentUser(database: Db, headers: Headers): Promise<CurrentUser | null> {
  const session = await auth().api.getSession({ headers });
  if (!session) return null;
  const idleSeconds = env().IDLE_LOGOUT_MINUTES * 60 || null;
  // Every request asks this: straight to the pool, as a prepared statement (see hotQuery).
  const [user] = await hotQuery<{
    id: string;
    name: string;
    email: string;
    roles: RoleName[];
    disabled: boolean;
    idle: boolean | null;
  }>(
    database,
    cachedPlan(Prisma.sql`
    SELECT u.id, u.name, u.email, u.roles::text[] AS roles, u.disabled,
           s."lastActiveAt" < now() - make_interval(secs => ${idleSeconds}::float8) AS idle
    FROM "User" u JOIN "Session" s ON s."userId" = u.id
    WHERE u.id = ${session.user.id} AND s.id = ${session.session.id}`),
  );
  if (!user || user.disabled) return null;
  if (user.idle) {
    await database.session.deleteMany({ where: { id: session.session.id } });
    return null;
  }
  return { id: user.id, name: user.name, email: user.email, roles: user.roles, sessionId: session.session.id };
}

/** A person used the app (key or click): their session's idle clock starts again. */
export async function recordSessionActivity(database: Db, sessionId: string | null): Promise<void> {
  if (sessionId) await database.session.updateMany({ where: { id: sessionId }, data: { lastActiveAt: new Date() } });
}

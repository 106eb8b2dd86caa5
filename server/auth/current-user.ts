import { cachedPlan, hotQuery, type Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { RoleName } from "@/lib/roles";
import { auth } from "./auth";

export type CurrentUser = { id: string; name: string; email: string; roles: RoleName[] };

/** The signed-in, enabled user behind these request headers, with roles read fresh from the database. */
export async function getCurrentUser(database: Db, headers: Headers): Promise<CurrentUser | null> {
  const session = await auth().api.getSession({ headers });
  if (!session) return null;
  // Every request asks this: straight to the pool, as a prepared statement (see hotQuery).
  const [user] = await hotQuery<{ id: string; name: string; email: string; roles: RoleName[]; disabled: boolean }>(
    database,
    cachedPlan(Prisma.sql`
    SELECT id, name, email, roles::text[] AS roles, disabled FROM "User" WHERE id = ${session.user.id}`),
  );
  if (!user || user.disabled) return null;
  return { id: user.id, name: user.name, email: user.email, roles: user.roles };
}

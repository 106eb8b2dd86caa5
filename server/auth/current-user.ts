import type { Db } from "../db/client";
import type { RoleName } from "@/lib/roles";
import { auth } from "./auth";

export type CurrentUser = { id: string; name: string; email: string; roles: RoleName[] };

/** The signed-in, enabled user behind these request headers, with roles read fresh from the database. */
export async function getCurrentUser(database: Db, headers: Headers): Promise<CurrentUser | null> {
  const session = await auth().api.getSession({ headers });
  if (!session) return null;
  const user = await database.user.findUnique({
    where: { id: session.user.id },
    select: { id: true, name: true, email: true, roles: true, disabled: true },
  });
  if (!user || user.disabled) return null;
  return { id: user.id, name: user.name, email: user.email, roles: user.roles };
}

import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { db } from "@/server/db/client";
import { getCurrentUser, type CurrentUser } from "@/server/auth/current-user";
import { hasAnyRole, type RoleName } from "@/lib/roles";

/** Server-side page guard: signed-in users only, and only those holding one of `roles` when given. */
export async function requireUser(roles?: readonly RoleName[]): Promise<CurrentUser> {
  const user = await getCurrentUser(db(), await headers());
  if (!user) redirect("/sign-in");
  if (roles && !hasAnyRole(user.roles, roles)) redirect("/no-access");
  return user;
}

export async function optionalUser(): Promise<CurrentUser | null> {
  return getCurrentUser(db(), await headers());
}

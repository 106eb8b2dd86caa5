import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { db } from "@/server/db/client";
import { getCurrentUser, type CurrentUser } from "@/server/auth/current-user";
import { getDisplayPreferences } from "@/server/users/display-preferences";
import { DEFAULT_DISPLAY, type DisplayPreferences } from "@/lib/display-preferences";
import { hasAnyRole, type RoleName } from "@/lib/roles";

// One session lookup per request, shared by the root layout (theme) and the page's guard.
const currentUser = cache(async (): Promise<CurrentUser | null> => getCurrentUser(db(), await headers()));

/** Server-side page guard: signed-in users only, and only those holding one of `roles` when given. */
export async function requireUser(roles?: readonly RoleName[]): Promise<CurrentUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  if (roles && !hasAnyRole(user.roles, roles)) redirect("/no-access");
  return user;
}

export async function optionalUser(): Promise<CurrentUser | null> {
  return currentUser();
}

/** The signed-in user's theme and density, rendered into <html> so the first paint is already right. */
export const displayPreferences = cache(async (): Promise<DisplayPreferences> => {
  const user = await currentUser();
  return user ? getDisplayPreferences(db(), user.id) : DEFAULT_DISPLAY;
});

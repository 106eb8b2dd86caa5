import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { recordAudit } from "../core/audit";
import { readDisplayPreferences, type DisplayPreferences } from "@/lib/display-preferences";

/** The user's theme and row density; defaults for a user who never chose. Read once per page render. */
export async function getDisplayPreferences(db: Db, userId: string): Promise<DisplayPreferences> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { displayPreferences: true } });
  return readDisplayPreferences(user?.displayPreferences);
}

/** Kept on the user, not the browser, so a reader's dark theme follows them to every reading station. */
export async function saveDisplayPreferences(
  db: Db,
  userId: string,
  preferences: DisplayPreferences,
): Promise<DisplayPreferences> {
  const json = preferences as unknown as Prisma.InputJsonObject;
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { displayPreferences: json } });
    await recordAudit(tx, { actorId: userId, action: "user.display", details: json });
  });
  return preferences;
}

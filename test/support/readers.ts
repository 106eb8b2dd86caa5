import { makeUser, testDb } from "./db";
import { saveReaderProfile } from "@/server/routing/reader-profiles";
import type { CurrentUser } from "@/server/auth/current-user";

/** A radiologist in the given reading groups (no privilege limits, no credentials), saved by `adminId`. */
export async function makeReader(
  adminId: string,
  groups: string[],
  capRvu: number | null = null,
): Promise<CurrentUser> {
  const u = await makeUser(["radiologist"]);
  await saveReaderProfile(testDb(), adminId, {
    userId: u.id,
    trainee: false,
    capRvu,
    memberships: groups.map((group) => ({ group, modalities: [], bodyParts: [] })),
    credentials: [],
  });
  return u;
}

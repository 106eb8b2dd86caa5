import { beforeEach, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createCaller } from "@/server/api/root";
import { getDisplayPreferences } from "@/server/users/display-preferences";
import { makeUser, resetDatabase, testDb } from "../support/db";

beforeEach(() => resetDatabase());
const caller = (user: Awaited<ReturnType<typeof makeUser>>) => createCaller({ db: testDb(), user });

describe("display preferences (theme and row density) are kept per user", () => {
  it("a user who never chose gets the system theme and comfortable rows", async () => {
    const u = await makeUser(["chair"]);
    expect(await caller(u).me.display()).toEqual({ theme: "system", density: "comfortable" });
  });

  it("a choice is saved on the user, audited, and read back by every later session", async () => {
    const reader = await makeUser(["radiologist"]);
    await caller(reader).me.saveDisplay({ theme: "dark", density: "compact" });
    // A new session is a new caller on the same user: the choice follows the person, not the browser.
    expect(await caller(reader).me.display()).toEqual({ theme: "dark", density: "compact" });
    expect(await getDisplayPreferences(testDb(), reader.id)).toEqual({ theme: "dark", density: "compact" });
    // Nobody else's changes.
    const other = await makeUser(["radiologist"]);
    expect(await caller(other).me.display()).toEqual({ theme: "system", density: "comfortable" });
    const events = await testDb().auditEvent.findMany({ where: { actorId: reader.id, action: "user.display" } });
    expect(events.map((e) => e.details)).toEqual([{ theme: "dark", density: "compact" }]);
  });

  it("an unknown theme is refused with the reason and changes nothing", async () => {
    const reader = await makeUser(["radiologist"]);
    await caller(reader).me.saveDisplay({ theme: "light", density: "compact" });
    const attempt = caller(reader).me.saveDisplay({ theme: "sepia" as "dark", density: "compact" });
    await expect(attempt).rejects.toBeInstanceOf(TRPCError);
    await expect(attempt).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/theme/) });
    expect(await caller(reader).me.display()).toEqual({ theme: "light", density: "compact" });
  });

  it("a stored value this version does not know falls back field by field", async () => {
    const reader = await makeUser(["radiologist"]);
    await testDb().user.update({
      where: { id: reader.id },
      data: { displayPreferences: { theme: "dark", density: 7 } },
    });
    expect(await caller(reader).me.display()).toEqual({ theme: "dark", density: "comfortable" });
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { makeUser, resetDatabase, testDb } from "../support/db";
import { makeReader } from "../support/readers";
import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import { DEFAULT_WORKLIST_RULES, forgetSettings, getWorklistRules, saveSetting } from "@/server/core/settings";
import { cachedReaderAccess, forgetCoverage } from "@/server/routing/reader-access";
import { routingConfigSchema } from "@/lib/routing/routing-config";

/** A reader in a neuro group (the group saved first: profiles may only name the site's groups). */
async function neuroReader(adminId?: string) {
  const admin = adminId ?? (await makeUser(["admin"])).id;
  const config = routingConfigSchema.parse({
    groups: [{ key: "neuro", label: "Neuro", overflowMinutes: null }],
    rules: [],
    defaultGroup: "neuro",
  });
  await saveSetting(testDb(), admin, "routing", config);
  return makeReader(admin, ["neuro"]);
}

/**
 * The real database, with a count of the reads the caches make and, when asked, each read held
 * back until the test lets it finish (so a change can land while a read is under way). Settings
 * are read with `appSetting.findUnique`; the reader snapshot with one raw statement (hotQuery,
 * which sends it through `$queryRaw` on a client it did not create).
 */
function countingDb(read: "setting" | "readers") {
  const real = testDb();
  const state = { calls: 0, hold: false, held: [] as (() => void)[] };
  const counted =
    <A extends unknown[]>(run: (...args: A) => Promise<unknown>, counts: (...args: A) => boolean) =>
    async (...args: A) => {
      if (!counts(...args)) return run(...args);
      state.calls += 1;
      const result = await run(...args);
      if (state.hold) await new Promise<void>((release) => state.held.push(release));
      return result;
    };
  const findUnique = counted(
    real.appSetting.findUnique.bind(real.appSetting) as (...a: unknown[]) => Promise<unknown>,
    () => true,
  );
  const settings = new Proxy(real.appSetting, {
    get: (target, prop, receiver) => (prop === "findUnique" ? findUnique : Reflect.get(target, prop, receiver)),
  });
  const queryRaw = counted(
    (query: Prisma.Sql) => real.$queryRaw(query),
    (query) => query.sql.includes('FROM "ReaderGroupMembership"'),
  );
  const db = new Proxy(real, {
    get: (target, prop) =>
      read === "setting" && prop === "appSetting"
        ? settings
        : read === "readers" && prop === "$queryRaw"
          ? queryRaw
          : Reflect.get(target, prop, target),
  }) as Db;
  return { db, state };
}

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

beforeEach(async () => {
  await resetDatabase();
  forgetCoverage();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("settings cache", () => {
  it("twenty requests arriving when the cache is due share one read", async () => {
    const admin = await makeUser(["admin"]);
    await saveSetting(testDb(), admin.id, "worklist", { ...DEFAULT_WORKLIST_RULES, claimTopN: 7 });
    forgetSettings();
    const { db, state } = countingDb("setting");
    const rules = await Promise.all(Array.from({ length: 20 }, () => getWorklistRules(db)));
    expect(state.calls).toBe(1);
    expect(rules.map((r) => r.claimTopN)).toEqual(Array(20).fill(7));
    await getWorklistRules(db);
    expect(state.calls).toBe(1); // cached now
  });

  it("a read under way when this process saves a setting does not put the old value back in the cache", async () => {
    const admin = await makeUser(["admin"]);
    await saveSetting(testDb(), admin.id, "worklist", { ...DEFAULT_WORKLIST_RULES, claimTopN: 3 });
    forgetSettings();
    const { db, state } = countingDb("setting");
    state.hold = true;
    const before = getWorklistRules(db);
    await waitFor(() => state.held.length === 1); // it has read claimTopN 3 and not yet returned
    await saveSetting(testDb(), admin.id, "worklist", { ...DEFAULT_WORKLIST_RULES, claimTopN: 9 });
    state.hold = false;
    state.held.forEach((release) => release());
    expect((await before).claimTopN).toBe(3); // asked before the save
    expect((await getWorklistRules(db)).claimTopN).toBe(9);
    expect(state.calls).toBe(2);
  });
});

describe("reader snapshot (eligibility and coverage)", () => {
  it("twenty requests arriving with no snapshot share one read of every reader", async () => {
    const admin = await makeUser(["admin"]);
    const readers = [
      await neuroReader(admin.id),
      await makeReader(admin.id, ["neuro"]),
      await makeReader(admin.id, ["neuro"]),
    ];
    const { db, state } = countingDb("readers");
    const got = await Promise.all(Array.from({ length: 20 }, (_, i) => cachedReaderAccess(db, readers[i % 3]!.id)));
    expect(state.calls).toBe(1);
    expect(got.map((r) => r?.userId)).toEqual(Array.from({ length: 20 }, (_, i) => readers[i % 3]!.id));
  });

  it("past its few seconds, requests go on with the last snapshot while one read refreshes it; past twice that, they wait for it", async () => {
    const reader = await neuroReader();
    const { db, state } = countingDb("readers");
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    expect((await cachedReaderAccess(db, reader.id))?.trainee).toBe(false);
    expect(state.calls).toBe(1);
    await testDb().readerProfile.update({ where: { userId: reader.id }, data: { trainee: true } });

    vi.setSystemTime(t0 + 2_900); // still fresh: no read
    expect((await cachedReaderAccess(db, reader.id))?.trainee).toBe(false);
    expect(state.calls).toBe(1);

    vi.setSystemTime(t0 + 3_500); // due: the answer is the last snapshot, and one read starts
    state.hold = true;
    const stale = await Promise.all(Array.from({ length: 5 }, () => cachedReaderAccess(db, reader.id)));
    expect(stale.map((r) => r?.trainee)).toEqual(Array(5).fill(false));
    expect(state.calls).toBe(2);
    state.hold = false;
    state.held.forEach((release) => release());
    // Refreshed in the background: the next request sees the change without a read of its own.
    await new Promise((r) => setTimeout(r, 50));
    expect((await cachedReaderAccess(db, reader.id))?.trainee).toBe(true);
    expect(state.calls).toBe(2);

    await testDb().readerProfile.update({ where: { userId: reader.id }, data: { trainee: false } });
    vi.setSystemTime(Date.now() + 6_500); // over twice the cache time: wait for a fresh read
    expect((await cachedReaderAccess(db, reader.id))?.trainee).toBe(false);
    expect(state.calls).toBe(3);
  });

  it("a read under way when coverage is forgotten (a duty or profile change) is not kept", async () => {
    const reader = await neuroReader();
    const { db, state } = countingDb("readers");
    state.hold = true;
    const before = cachedReaderAccess(db, reader.id);
    await waitFor(() => state.held.length === 1);
    await testDb().readerProfile.update({ where: { userId: reader.id }, data: { onDuty: false } });
    forgetCoverage();
    state.hold = false;
    state.held.forEach((release) => release());
    expect((await before)?.onDuty).toBe(true); // asked before the change
    expect((await cachedReaderAccess(db, reader.id))?.onDuty).toBe(false);
    expect(state.calls).toBe(2);
  });
});

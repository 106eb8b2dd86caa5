// npm run bench -- routing: 100k unread + 1M read studies, 10 reading groups with a rule each,
// 500 readers (50 per group; some with modality privileges, some trainees, some off duty), one
// site needing credentials. Reports the re-route of every open study after a rule change, the
// eligible-only first page, and Next case with eligibility under 20 concurrent readers (each
// press computing the reader's scope as the API does). Prints JSON.
import { createTestDatabase } from "../test/support/test-database";
import { cachedPlan, createDb, hotQuery } from "../server/db/client";
import { Prisma } from "../server/db/generated/client";
import { listWorklist } from "../server/worklist/list-worklist";
import { claimNextCase } from "../server/worklist/claims";
import { refreshAllOpenPriorities } from "../server/worklist/refresh-priority";
import { saveSetting } from "../server/core/settings";
import { readingScope } from "../server/routing/reading-scope";
import { routingConfigSchema } from "../lib/routing/routing-config";
import { NO_FILTERS } from "../lib/worklist-filters";
import { summarise } from "./summarise";
import { seedBenchStudies } from "./seed-studies";

const UNREAD = Number(process.env.UNREAD ?? 100_000);
const READ = Number(process.env.READ ?? 1_000_000);
const GROUPS = 10;
const READERS = 500;
const database = await createTestDatabase("bench_routing");
const db = createDb(database.url);
await seedBenchStudies(db, { unread: UNREAD, read: READ });
// Ten kinds of study by description, so each group gets a tenth of the backlog.
await db.$executeRawUnsafe(
  `UPDATE "Study" SET description = 'KIND' || (abs(hashtext(id)) % ${GROUPS}) WHERE "readingState" <> 'READ'`,
);
await db.$executeRawUnsafe(
  `INSERT INTO "PacsSource" (id, name, "baseUrl", "updatedAt", "credentialRequired") VALUES ('north', 'North', 'http://127.0.0.1:9', now(), true)`,
);
await db.$executeRawUnsafe(`VACUUM ANALYZE "Study"`);

const groupKey = (i: number) => `g${i}`;
const config = routingConfigSchema.parse({
  groups: Array.from({ length: GROUPS }, (_, i) => ({ key: groupKey(i), label: `Group ${i}`, overflowMinutes: null })),
  rules: Array.from({ length: GROUPS - 1 }, (_, i) => ({
    id: `r${i}`,
    name: `Kind ${i}`,
    group: groupKey(i),
    descriptionContains: [`KIND${i}`],
  })),
  defaultGroup: groupKey(GROUPS - 1),
});

// Readers: user rows, profiles, memberships and credentials in four statements.
await db.$executeRawUnsafe(`
  INSERT INTO "User" (id, name, email, roles, "updatedAt")
  SELECT 'u' || g, 'Reader ' || g, 'reader' || g || '@bench.local', ARRAY['radiologist']::"Role"[], now()
    FROM generate_series(0, ${READERS - 1}) g`);
await db.$executeRawUnsafe(`
  INSERT INTO "ReaderProfile" ("userId", trainee, "onDuty", "updatedAt")
  SELECT 'u' || g, g % 10 = 9, g % 7 <> 6, now() FROM generate_series(0, ${READERS - 1}) g`);
await db.$executeRawUnsafe(`
  INSERT INTO "ReaderGroupMembership" ("userId", "groupKey", modalities, "bodyParts")
  SELECT 'u' || g, 'g' || (g % ${GROUPS}), CASE WHEN g % 5 = 4 THEN ARRAY['CT','MR'] ELSE ARRAY[]::text[] END, ARRAY[]::text[]
    FROM generate_series(0, ${READERS - 1}) g`);
await db.$executeRawUnsafe(`
  INSERT INTO "ReaderCredential" ("userId", "sourceId", "expiresOn")
  SELECT 'u' || g, 'north', CASE WHEN g % 3 = 0 THEN DATE '2020-01-01' ELSE DATE '2099-01-01' END
    FROM generate_series(0, ${READERS - 1}) g`);

const time = async (fn: () => Promise<unknown>) => {
  const s = performance.now();
  await fn();
  return performance.now() - s;
};
const repeat = async (n: number, fn: () => Promise<unknown>) => {
  for (let i = 0; i < 5; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await time(fn));
  return summarise(out);
};

await saveSetting(db, "u0", "routing", config);
const rerouteMs = await time(() => refreshAllOpenPriorities(db, undefined, config));
const perGroup = await db.$queryRaw<{ g: string; n: bigint }[]>`
  SELECT "routedGroup" AS g, count(*) AS n FROM "Study" WHERE "dueAt" IS NOT NULL GROUP BY 1 ORDER BY 1`;

const userOf = (i: number) => ({ id: `u${i}`, name: `Reader ${i}`, roles: ["radiologist"] as const });
const page = (i: number) => async () =>
  listWorklist(db, `u${i}`, {
    filters: NO_FILTERS,
    limit: 100,
    offset: 0,
    scope: await readingScope(db, userOf(i)),
  });
const firstPage = await repeat(50, page(3));
const firstPageRestricted = await repeat(50, page(4)); // privileges CT and MR only
const firstPageTrainee = await repeat(50, page(9));
const scopeOnly = await repeat(200, () => readingScope(db, userOf(3)));
// Every group overflowing after 2 h: with this backlog (up to 20 h old) an attending's list spans all ten groups.
await saveSetting(db, "u0", "routing", {
  ...config,
  groups: config.groups.map((g) => ({ ...g, overflowMinutes: 120 })),
});
const firstPageOverflowing = await repeat(50, page(3));
await saveSetting(db, "u0", "routing", config);

const readAt = (ids: string[]) =>
  hotQuery(
    db,
    cachedPlan(Prisma.sql`
  UPDATE "Study" SET "readingState" = 'READ', "readAt" = now(), "claimHeartbeatAt" = NULL, "dueAt" = NULL, "pinnedAt" = NULL, "capAt" = NULL WHERE id = ANY(${ids})`),
  );
// Twenty on-duty attendings spread over the groups (ids 0..19 skip trainees, 9 and 19, and off-duty 6 and 13).
const clients = [...Array(40).keys()].filter((i) => i % 10 !== 9 && i % 7 !== 6).slice(0, 20);
const press = async (i: number, out: number[]) => {
  const started = performance.now();
  const u = userOf(i);
  const r = await claimNextCase(db, u, NO_FILTERS, new Date(), await readingScope(db, u));
  out.push(performance.now() - started);
  return "studyId" in r ? r.studyId : null;
};
for (let round = 0; round < 5; round++) {
  const warm = await Promise.all(clients.map((c) => press(c, [])));
  await readAt(warm.filter((id): id is string => id !== null));
}
const claimTimes: number[] = [];
const wrongGroup: string[] = [];
await Promise.all(
  clients.map(async (c) => {
    for (let i = 0; i < 25; i++) {
      const id = await press(c, claimTimes);
      if (!id) continue;
      const [row] = await db.$queryRaw<{ g: string }[]>`SELECT "routedGroup" AS g FROM "Study" WHERE id = ${id}`;
      if (row?.g !== groupKey(c % GROUPS)) wrongGroup.push(id);
      await readAt([id]);
    }
  }),
);

await db.$disconnect();
await database.drop();
console.log(
  JSON.stringify(
    {
      bench: "routing-load",
      unread: UNREAD,
      read: READ,
      groups: GROUPS,
      readers: READERS,
      rerouteAllOpenMs: Math.round(rerouteMs),
      openPerGroup: Object.fromEntries(perGroup.map((r) => [r.g, Number(r.n)])),
      eligibleFirstPageMs: {
        member: firstPage,
        ctMrPrivilegesOnly: firstPageRestricted,
        trainee: firstPageTrainee,
        attendingWithEveryGroupOverflowing: firstPageOverflowing,
      },
      readingScopeMs: scopeOnly,
      nextCaseWithEligibilityMs: {
        concurrentClients: clients.length,
        note: "each reader presses again as soon as its claim returns and is read; scope computed per press",
        claims: claimTimes.length,
        ...summarise(claimTimes),
      },
      claimsOutsideReadersGroup: wrongGroup.length,
      targets: { eligibleFirstPageP95: 30, nextCaseP95: 20 },
    },
    null,
    2,
  ),
);

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
import { refreshAllOpenPriorities, refreshPriorities } from "../server/worklist/refresh-priority";
import { saveSetting } from "../server/core/settings";
import { readingScope } from "../server/routing/reading-scope";
import { routingConfigSchema } from "../lib/routing/routing-config";
import { NO_FILTERS } from "../lib/worklist-filters";
import { assignOpenStudies, forgetLoads } from "../server/assignment/assign-studies";
import { chooseAssignee, type Candidate } from "../lib/routing/assignment";
import { STARTER_RVU_TABLE } from "../lib/routing/rvu";
import { summarise } from "./summarise";
import { seedBenchStudies } from "./seed-studies";
import { backToBack } from "./back-to-back";

const UNREAD = Number(process.env.UNREAD ?? 100_000);
const READ = Number(process.env.READ ?? 1_000_000);
const GROUPS = 10;
const READERS = 500;
// Each reader's first presses of the back-to-back loop, left out of its steady-state figure.
const RAMP = 5;
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
  SELECT 'u' || g, 'g' || (g % ${GROUPS}), CASE WHEN g % 20 = 4 THEN ARRAY['CT','MR'] ELSE ARRAY[]::text[] END, ARRAY[]::text[]
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
const firstPageRestricted = await repeat(50, page(4)); // privileges CT and MR only (half of group 4's readers)
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
// Warm-up, not measured: twenty rounds of 20 simultaneous presses, as in a server that has been
// up a while. Next case runs on cached generic plans (server/db/client.ts), one per reader shape
// and pooled connection: twenty shapes over five connections, each planned on its first press.
for (let round = 0; round < 20; round++) {
  const warm = await Promise.all(clients.map((c) => press(c, [])));
  await readAt(warm.filter((id): id is string => id !== null));
}
const claimedBy: { id: string; client: number }[] = [];
const claimTimes = await backToBack(clients, { ramp: RAMP, measured: 25 }, press, async (c, id) => {
  claimedBy.push({ id, client: c });
  await readAt([id]);
});
// Bursts, as in the worklist bench: all 20 press at the same instant, 25 times over, the 20
// cases read after each round. Unlike the back-to-back loop, where each reader's read of its
// case runs beside the others' presses (so how long a read waits on its commit moves time
// between the two), this measures the presses alone.
const burstTimes: number[] = [];
for (let round = 0; round < 25; round++) {
  const ids = await Promise.all(clients.map((c) => press(c, burstTimes)));
  await readAt(ids.filter((id): id is string => id !== null));
  await new Promise((r) => setTimeout(r, 50));
}
// Which claims fell outside the reader's own group (overflow: the trainee-only g9's STAT and
// AI-critical studies), checked once afterwards rather than between presses.
const claimedGroups = new Map(
  (
    await db.$queryRaw<{ id: string; g: string }[]>`
      SELECT id, "routedGroup" AS g FROM "Study" WHERE id = ANY(${claimedBy.map((c) => c.id)})`
  ).map((r) => [r.id, r.g]),
);
const wrongGroup = claimedBy.filter((c) => claimedGroups.get(c.id) !== groupKey(c.client % GROUPS)).map((c) => c.id);

// Push mode at the same scale. Steady state first: the backlog already assigned, each study to
// a reader of its group (SQL), then one settling round hands back what off-duty readers hold.
await saveSetting(db, "u0", "routing", { ...config, assignment: "push" });
await db.$executeRawUnsafe(`
  UPDATE "Study" s SET "assignedToId" = 'u' || ((abs(hashtext(s.id)) % 50) * 10 + substring(s."routedGroup" from 2)::int),
         "assignedAt" = now() - interval '1 hour'
   WHERE s."dueAt" IS NOT NULL AND s."readingState" <> 'CLAIMED'`);
await db.$executeRawUnsafe(`VACUUM ANALYZE "Study"`);
forgetLoads();
// Settle: rounds until the handed-back backlog is reassigned (a worker does this within seconds of a change).
const settle = { rounds: 0, assigned: 0, handedBack: 0 };
for (;;) {
  const r = await assignOpenStudies(db, new Date(), { checkEligibility: false });
  settle.rounds += 1;
  settle.assigned += r.assigned;
  settle.handedBack += r.handedBack;
  if (r.assigned === 0 || settle.rounds >= 500) break;
}
const arrivalTimes: number[] = [];
for (let i = 0; i < 200; i++) {
  const id = `arrival${i}`;
  await db.$executeRawUnsafe(`
    INSERT INTO "Study" (id, "sourceId", "studyInstanceUid", "accessionNumber", "patientId", modalities, "bodyPart",
      description, "orderPriority", "patientLocation", "firstSeenAt", "updatedAt")
    VALUES ('${id}', 'bench', '9.9.${i}', 'ARR${i}', 'MRNA${i}', ARRAY['CT'], 'HEAD', 'KIND${i % GROUPS}', 'ROUTINE', 'ED', now(), now())`);
  await refreshPriorities(db, [id], undefined, { ...config, assignment: "push" });
  arrivalTimes.push(await time(() => assignOpenStudies(db)));
}
const arrivalsAssigned = await db.study.count({
  where: { id: { startsWith: "arrival" }, assignedToId: { not: null } },
});

// Balance over a shift: 1,000 arrivals with the starter table's mix, one at a time, to 20
// attendings of one group, through the same choice the rounds make (lib/routing/assignment.ts).
const mix = STARTER_RVU_TABLE.rows.filter((r) => r.bodyPart !== null);
const shiftReaders: Candidate[] = Array.from({ length: 20 }, (_, i) => ({
  reader: {
    userId: `s${i}`,
    name: `S${i}`,
    trainee: false,
    onDuty: true,
    memberships: [{ group: "g0", modalities: [], bodyParts: [] }],
    credentials: [],
  },
  capRvu: null,
  shiftRvu: 0,
  openRvu: 0,
  readingSince: null,
}));
const shiftCtx = { config, sites: new Map(), covered: new Set(["g0|bench"]), now: new Date() };
let seed = 7;
const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
for (let i = 0; i < 1000; i++) {
  const row = mix[Math.floor(rand() * mix.length)]!;
  const study = {
    id: `x${i}`,
    routedGroup: "g0",
    sourceId: "bench",
    modalities: [row.modality],
    bodyPart: row.bodyPart,
    orderPriority: "ROUTINE",
    aiStatus: null,
    firstSeenAt: new Date(),
    patientId: null,
    workRvu: row.rvu,
  };
  const pick = chooseAssignee(study, shiftReaders, shiftCtx)!;
  shiftReaders.find((c) => c.reader.userId === pick.userId)!.shiftRvu += row.rvu;
}
const shiftTotals = shiftReaders.map((c) => c.shiftRvu);
const meanShift = shiftTotals.reduce((a, b) => a + b, 0) / shiftTotals.length;

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
        note: `each reader presses again as soon as its claim returns and is read; scope computed per press; steady state (each reader's first ${RAMP} presses, which start as one burst, left out)`,
        claims: claimTimes.steady.length,
        ...summarise(claimTimes.steady),
      },
      nextCaseWithEligibilityMsFromStart: {
        note: "the same loop, every press (the first ones all at the same instant)",
        claims: claimTimes.fromStart.length,
        ...summarise(claimTimes.fromStart),
      },
      nextCaseWithEligibilityMsBursts: {
        concurrentClients: clients.length,
        note: "20 simultaneous presses, 25 rounds, read between rounds; scope computed per press",
        claims: burstTimes.length,
        ...summarise(burstTimes),
      },
      claimsOutsideReadersGroup: wrongGroup.length,
      push: {
        settlingRound: settle,
        assignArrivalMs: {
          note: "one round per arrival (the worker runs one per NOTIFY), backlog of 100k already assigned",
          arrivals: arrivalTimes.length,
          assigned: arrivalsAssigned,
          ...summarise(arrivalTimes),
        },
        shiftBalance: {
          note: "1,000 arrivals (starter-table mix) to 20 attendings, least RVUs this shift",
          minRvu: Math.round(Math.min(...shiftTotals) * 100) / 100,
          maxRvu: Math.round(Math.max(...shiftTotals) * 100) / 100,
          spreadPercentOfMean:
            Math.round(((Math.max(...shiftTotals) - Math.min(...shiftTotals)) / meanShift) * 1000) / 10,
        },
      },
      targets: { eligibleFirstPageP95: 30, nextCaseP95: 20, assignArrivalP95: 20, shiftBalanceSpreadPercent: 10 },
    },
    null,
    2,
  ),
);

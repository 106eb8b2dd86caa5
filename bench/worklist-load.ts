// npm run bench -- worklist: seeds 100k unread + 1M read studies into a fresh embedded
// Postgres, then reports p95 of the worklist query (first page, with and without
// filters) and of Next case claims under 20 concurrent clients. Prints JSON.
import { createTestDatabase } from "../test/support/test-database";
import { cachedPlan, createDb, hotQuery } from "../server/db/client";
import { Prisma } from "../server/db/generated/client";
import { countWorklist, listWorklist } from "../server/worklist/list-worklist";
import { claimNextCase } from "../server/worklist/claims";
import { createUser } from "../server/users/users";
import { NO_FILTERS } from "../lib/worklist-filters";
import { summarise } from "./summarise";
import { seedBenchStudies } from "./seed-studies";
import { backToBack } from "./back-to-back";

const UNREAD = Number(process.env.UNREAD ?? 100_000);
const READ = Number(process.env.READ ?? 1_000_000);
// Each client's first presses of the back-to-back loop, left out of its steady-state figure.
const RAMP = 5;
const database = await createTestDatabase("bench_worklist");
const db = createDb(database.url);
const t0 = performance.now();
await seedBenchStudies(db, { unread: UNREAD, read: READ });
const seedSeconds = Math.round((performance.now() - t0) / 100) / 10;

const reader = await createUser(db, null, {
  name: "Bench Reader",
  email: "bench@readnext.local",
  password: "bench-password",
  roles: ["radiologist"],
});
const time = async (fn: () => Promise<unknown>) => {
  const s = performance.now();
  await fn();
  return performance.now() - s;
};
const repeat = async (n: number, fn: () => Promise<unknown>) => {
  for (let i = 0; i < 5; i++) await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await time(fn));
  return summarise(out);
};

const noFilters = await repeat(50, () => listWorklist(db, reader.id, { filters: NO_FILTERS, limit: 100, offset: 0 }));
const filtered = await repeat(50, () =>
  listWorklist(db, reader.id, {
    filters: { ...NO_FILTERS, modalities: ["CT"], locations: ["ED", "INPATIENT"] },
    limit: 100,
    offset: 0,
  }),
);
const count = await repeat(50, () => countWorklist(db, reader.id, { ...NO_FILTERS, modalities: ["CT"] }));
const flagged = await repeat(50, () =>
  listWorklist(db, reader.id, { filters: { ...NO_FILTERS, aiFlaggedOnly: true }, limit: 100, offset: 0 }),
);

const clients = await Promise.all(
  Array.from({ length: 20 }, (_, i) =>
    createUser(db, null, {
      name: `Reader ${i}`,
      email: `reader${i}@bench.local`,
      password: "bench-password",
      roles: ["radiologist"],
    }),
  ),
);
// The bench's own bookkeeping (not the product's "Mark read", which runs in another request):
// one bare UPDATE straight on the pool, so it takes as little as possible of the Node process
// the claims share.
const readAt = (ids: string[]) =>
  hotQuery(
    db,
    cachedPlan(Prisma.sql`
  UPDATE "Study" SET "readingState" = 'READ', "readAt" = now(), "claimHeartbeatAt" = NULL, "dueAt" = NULL, "pinnedAt" = NULL, "capAt" = NULL WHERE id = ANY(${ids})`),
  );
const pressNextCase = async (c: { id: string; name: string }, out: number[]) => {
  const started = performance.now();
  const r = await claimNextCase(db, c, NO_FILTERS);
  out.push(performance.now() - started);
  return "studyId" in r ? r.studyId : null;
};
const singleTimes: number[] = [];
for (let i = 0; i < 50; i++) {
  const id = await pressNextCase(clients[0]!, singleTimes);
  if (id) await readAt([id]);
}
// Warm-up, not measured: five rounds of 20 simultaneous presses, as in a server that has been up a
// while. Each pooled connection prepares the claim statement once, and Postgres plans its first
// five runs on that connection afresh (~1 ms each) before settling on the cached plan.
for (let round = 0; round < 5; round++) {
  const warm = await Promise.all(clients.map((c) => pressNextCase(c, [])));
  await readAt(warm.filter((id): id is string => id !== null));
}
// Saturation: 20 clients each pressing again the moment their last claim is back and read (no reading time).
const claimTimes = await backToBack(clients, { ramp: RAMP, measured: 25 }, pressNextCase, (_, id) => readAt([id]));
// Bursts: all 20 press at the same instant, 25 times over (the "everyone presses at once" case);
// the 20 cases are read after the round.
const burstTimes: number[] = [];
for (let round = 0; round < 25; round++) {
  const ids = await Promise.all(clients.map((c) => pressNextCase(c, burstTimes)));
  await readAt(ids.filter((id): id is string => id !== null));
  await new Promise((r) => setTimeout(r, 50));
}

// What the open-study ordering indexes cost in memory beside 1M read studies.
const indexes = await db.$queryRaw<{ name: string; bytes: bigint }[]>`
  SELECT indexrelname AS name, pg_relation_size(indexrelid) AS bytes FROM pg_stat_user_indexes
   WHERE relname = 'Study' AND indexrelname ~ '(dueAt|pinnedAt|capAt|readAt|flagged)' ORDER BY 1`;
await db.$disconnect();
await database.drop();
console.log(
  JSON.stringify(
    {
      bench: "worklist-load",
      unread: UNREAD,
      read: READ,
      seedSeconds,
      worklistFirstPageMs: { noFilters, modalityAndLocation: filtered, aiFlaggedOnly: flagged },
      openCountMs: { note: "separate query, capped at 1,000", ...count },
      nextCaseClaimMs: {
        concurrentClients: 20,
        note: `each client presses again as soon as its claim returns and is read; steady state (each client's first ${RAMP} presses, which start as one burst, left out)`,
        claims: claimTimes.steady.length,
        ...summarise(claimTimes.steady),
      },
      nextCaseClaimMsFromStart: {
        note: "the same loop, every press (the first ones all at the same instant)",
        claims: claimTimes.fromStart.length,
        ...summarise(claimTimes.fromStart),
      },
      nextCaseClaimMsBursts: {
        concurrentClients: 20,
        note: "20 simultaneous presses, 25 rounds, read between rounds",
        claims: burstTimes.length,
        ...summarise(burstTimes),
      },
      nextCaseClaimMsOneClient: summarise(singleTimes),
      indexSizesMB: Object.fromEntries(indexes.map((i) => [i.name, Math.round(Number(i.bytes) / 1e5) / 10])),
      targets: { worklistP95: 30, nextCaseP95: 20 },
    },
    null,
    2,
  ),
);

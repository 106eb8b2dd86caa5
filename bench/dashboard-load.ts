// npm run bench -- dashboard: seeds 100k open + 1M read studies (read over the last 365 days, or READ_DAYS) into a
// fresh embedded Postgres, then times each chair and scheduler query in-process, as the pages call
// them (RUNS each after a warm-up). Prints JSON with median and p95 in milliseconds.
import { createTestDatabase } from "../test/support/test-database";
import { createDb } from "../server/db/client";
import { throughputSummary, backlogSummary } from "../server/department/department-metrics";
import { slaTrend } from "../server/department/sla-trend";
import { turnaroundByStage } from "../server/department/turnaround-by-stage";
import { clearanceForecast } from "../server/department/clearance-forecast";
import { hourlyLoad } from "../server/department/hourly-load";
import { readingByReader } from "../server/department/reading-by-reader";
import { readsByShift } from "../server/department/reads-by-shift";
import { STARTER_RVU_TABLE } from "../lib/routing/rvu";
import { backlogCrossTab } from "../server/department/backlog-cross-tab";
import { summarise } from "./summarise";
import { scopeBounds } from "../server/department/chair-scope-sql";
import { addDays, localDay, NO_CHAIR_FILTERS, type ChairFilters } from "../lib/chair-scope";
import { seedBenchStudies } from "./seed-studies";
import { syncTurnaroundRollupZone } from "../server/department/turnaround-rollup";

const UNREAD = Number(process.env.UNREAD ?? 100_000);
const READ = Number(process.env.READ ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 10);
// Over how many days the read studies were read: 365 is a department reading a million studies a
// year (the "30 days" and "a year" ranges over one history); 30 puts all of them in the
// 30-day range, a stress case (about twice the daily volume of the largest teleradiology group).
const READ_DAYS = Number(process.env.READ_DAYS ?? 365);
const database = await createTestDatabase("bench_dashboard");
const db = createDb(database.url);
const t0 = performance.now();
// Fifty radiologists read them in turn (the reader views need a reader).
const READERS = 50;
await seedBenchStudies(db, { unread: UNREAD, read: READ }, { readDays: READ_DAYS, readers: READERS });
// Every reader on duty 08:00–18:00 UTC each day of the history, as their duty switch audits it.
await db.$executeRawUnsafe(`
  INSERT INTO "AuditEvent" (id, at, "actorId", action, details)
  SELECT 'duty-' || r || '-' || d || '-' || k, date_trunc('day', now()) - d * interval '1 day' + (CASE k WHEN 0 THEN 8 ELSE 18 END) * interval '1 hour',
         'bench-reader-' || r, CASE k WHEN 0 THEN 'reader.on-duty' ELSE 'reader.off-duty' END, jsonb_build_object('userId', 'bench-reader-' || r)
    FROM generate_series(0, ${READERS - 1}) r, generate_series(1, ${READ_DAYS}) d, generate_series(0, 1) k`);
await db.$executeRawUnsafe(`VACUUM ANALYZE "AuditEvent"`);
const seedSeconds = Math.round((performance.now() - t0) / 100) / 10;

async function timed(fn: () => Promise<unknown>) {
  for (let i = 0; i < 2; i++) await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await fn();
    out.push(performance.now() - s);
  }
  return summarise(out);
}

const now = () => new Date();
const TZ = "Europe/Berlin";
// As a worker does at start: the turnaround rollup counts Berlin days (the seed counted UTC ones).
const t1 = performance.now();
await syncTurnaroundRollupZone(db, TZ);
const rollupRecountSeconds = Math.round((performance.now() - t1) / 100) / 10;
await db.$executeRawUnsafe(`VACUUM ANALYZE "TurnaroundRollup"`);
// As the chair's page asks: the department's last `days` calendar days, bounds resolved per call.
const lastDays = (days: number) => {
  const today = localDay(now(), TZ);
  return scopeBounds(db, { from: addDays(today, 1 - days), to: today }, TZ);
};
const CT_ONLY = { ...NO_CHAIR_FILTERS, modalities: ["CT"] };
const STAT_ONLY: ChairFilters = { ...NO_CHAIR_FILTERS, priorities: ["STAT"] };
const turnaround = async (days: number, filters = NO_CHAIR_FILTERS) => {
  const today = localDay(now(), TZ);
  const range = { from: addDays(today, 1 - days), to: today };
  return turnaroundByStage(db, await scopeBounds(db, range, TZ), filters, { ...range, timeZone: TZ });
};
const ms = {
  "throughput, 24 h": await timed(() => throughputSummary(db, now(), 24)),
  "read by due time per day, 30 days": await timed(async () => slaTrend(db, await lastDays(30), TZ)),
  "read by due time per day, 365 days": await timed(async () => slaTrend(db, await lastDays(365), TZ)),
  "read by due time per day, 30 days, CT only": await timed(async () => slaTrend(db, await lastDays(30), TZ, CT_ONLY)),
  "turnaround by stage, 30 days": await timed(() => turnaround(30)),
  "turnaround by stage, 365 days": await timed(() => turnaround(365)),
  "turnaround by stage, 365 days, STAT only": await timed(() => turnaround(365, STAT_ONLY)),
  "turnaround by stage, 30 days, CT only": await timed(() => turnaround(30, CT_ONLY)),
  "turnaround by stage, 365 days, CT only": await timed(() => turnaround(365, CT_ONLY)),
  "read by due time per day, 365 days, CT only": await timed(async () =>
    slaTrend(db, await lastDays(365), TZ, CT_ONLY),
  ),
  "arrivals and reads by weekday × hour, 365 days, CT only": await timed(async () =>
    hourlyLoad(db, await lastDays(365), TZ, CT_ONLY),
  ),
  "arrivals and reads by weekday × hour, 4 weeks": await timed(async () => hourlyLoad(db, await lastDays(28), TZ)),
  "arrivals and reads by weekday × hour, 4 weeks, CT only": await timed(async () =>
    hourlyLoad(db, await lastDays(28), TZ, CT_ONLY),
  ),
  "reading by reader per week, 4 weeks": await timed(async () =>
    readingByReader(db, await lastDays(28), TZ, STARTER_RVU_TABLE),
  ),
  "reading by reader per week, 365 days": await timed(async () =>
    readingByReader(db, await lastDays(365), TZ, STARTER_RVU_TABLE),
  ),
  "reads by shift, 4 weeks": await timed(async () => readsByShift(db, await lastDays(28), TZ, STARTER_RVU_TABLE)),
  "reads by shift, 365 days": await timed(async () => readsByShift(db, await lastDays(365), TZ, STARTER_RVU_TABLE)),
  "backlog summary": await timed(() => backlogSummary(db, now())),
  "backlog cross-tab (100k open)": await timed(() => backlogCrossTab(db, now())),
  "clearance forecast (100k open)": await timed(() => clearanceForecast(db, now())),
};
await db.$disconnect();
await database.drop();
console.log(
  JSON.stringify(
    {
      bench: "dashboard",
      what: `chair and scheduler queries, in-process, over open and read studies (read ones spread over ${READ_DAYS} days)`,
      studies: { open: UNREAD, read: READ },
      seedSeconds,
      rollupRecountSeconds,
      runs: RUNS,
      ms,
    },
    null,
    2,
  ),
);

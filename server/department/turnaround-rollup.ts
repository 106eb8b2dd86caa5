import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { wholeMonthsAndDays, type ChairFilters } from "@/lib/chair-scope";
import { percentileBetween } from "@/lib/duration-histogram";

/** The chair's days in the department's zone, both ends included, as the page asks for them. */
export type ScopeDays = { from: string; to: string; timeZone: string };

/** One group's counts and, per stage, [median, 90th percentile] in minutes (null: nothing counted). */
export type StageFigures = {
  priority: string | null;
  location: string | null;
  critical: boolean | null;
  g_class: number;
  g_ai: number;
  read: number;
  claimed: number;
  wait: [number | null, number | null];
  reading: [number | null, number | null];
  total: [number | null, number | null];
};

/**
 * Counts every read study again in `timeZone` when the rollup's days are in another zone (a
 * changed DEPARTMENT_TIME_ZONE). Writers wait while it runs; a year of a large department takes
 * about half a minute. Returns whether it rebuilt.
 */
export async function syncTurnaroundRollupZone(db: Db, timeZone: string): Promise<boolean> {
  const [row] = await db.$queryRaw<[{ rebuilt: boolean }]>`SELECT "turnaround_rollup_rebuild"(${timeZone}) AS rebuilt`;
  return row.rebuilt;
}

/** The zone the rollup's days are counted in. */
export async function turnaroundRollupZone(db: Db): Promise<string> {
  const [row] = await db.$queryRaw<[{ zone: string }]>`SELECT "turnaround_zone"() AS zone`;
  return row.zone;
}

/** Rollup rows of the range: whole months from the month rows, the days at either end from the day rows. */
function periodsSql(days: ScopeDays): Prisma.Sql {
  const { months, days: edges } = wholeMonthsAndDays(days.from, days.to);
  const parts = edges.map(([a, b]) => Prisma.sql`(r.span = 'd' AND r.period BETWEEN ${a}::date AND ${b}::date)`);
  if (months)
    parts.push(Prisma.sql`(r.span = 'm' AND r.period >= ${months[0]}::date AND r.period < ${months[1]}::date)`);
  return Prisma.join(parts, " OR ");
}

/** Only priority and location filters: the dimensions the rollup keeps. */
export function rollupCanFilter(f: ChairFilters): boolean {
  return !f.modalities.length && !f.sources.length && !f.groups.length;
}

/**
 * Turnaround by stage from the rollup: medians and 90th percentiles as percentile_cont computes
 * them, with each duration taken as its bucket's value (so within RELATIVE_ERROR of the exact
 * figure). The buckets holding each percentile's order statistics are found in SQL; only their
 * numbers come back, a row per group and stage.
 */
export async function turnaroundFromRollup(db: Db, days: ScopeDays, filters: ChairFilters): Promise<StageFigures[]> {
  const where: Prisma.Sql[] = [Prisma.sql`(${periodsSql(days)})`];
  if (filters.priorities.length) where.push(Prisma.sql`r.priority = ANY(${filters.priorities}::text[])`);
  if (filters.locations.length) where.push(Prisma.sql`r.location = ANY(${filters.locations}::text[])`);
  const rows = await db.$queryRaw<
    {
      priority: string | null;
      location: string | null;
      critical: boolean | null;
      g_class: number;
      g_ai: number;
      stage: number;
      total: bigint;
      p50: number;
      p90: number;
      lo50: number;
      hi50: number | null;
      lo90: number;
      hi90: number | null;
    }[]
  >`
    WITH h AS (
      SELECT r.priority, r.location, r.critical, GROUPING(r.priority, r.location)::int AS g_class,
             GROUPING(r.critical)::int AS g_ai, r.stage, r.bucket, sum(r.n)::bigint AS n
        FROM "TurnaroundRollup" r WHERE ${Prisma.join(where, " AND ")}
       GROUP BY GROUPING SETS ((r.stage, r.bucket), (r.critical, r.stage, r.bucket), (r.priority, r.location, r.stage, r.bucket))
      HAVING sum(r.n) > 0
    ), c AS (
      SELECT *, sum(n) OVER (PARTITION BY g_class, g_ai, priority, location, critical, stage ORDER BY bucket) AS upto,
                sum(n) OVER (PARTITION BY g_class, g_ai, priority, location, critical, stage) AS total
        FROM h
    ), k AS (
      SELECT *, (total - 1) * 0.5 AS p50, (total - 1) * 0.9 AS p90 FROM c
    )
    SELECT priority, location, critical, g_class, g_ai, stage::int AS stage, total,
           max(p50)::float8 AS p50, max(p90)::float8 AS p90,
           min(bucket) FILTER (WHERE upto > floor(p50))::int AS lo50, min(bucket) FILTER (WHERE upto > floor(p50) + 1)::int AS hi50,
           min(bucket) FILTER (WHERE upto > floor(p90))::int AS lo90, min(bucket) FILTER (WHERE upto > floor(p90) + 1)::int AS hi90
      FROM k GROUP BY priority, location, critical, g_class, g_ai, stage, total`;
  const groups = new Map<string, StageFigures>();
  for (const r of rows) {
    const key = `${r.g_class}|${r.g_ai}|${r.priority}|${r.location}|${r.critical}`;
    const g = groups.get(key) ?? {
      priority: r.priority,
      location: r.location,
      critical: r.critical,
      g_class: r.g_class,
      g_ai: r.g_ai,
      read: 0,
      claimed: 0,
      wait: [null, null],
      reading: [null, null],
      total: [null, null],
    };
    const figures: [number, number] = [
      percentileBetween(r.p50, r.lo50, r.hi50),
      percentileBetween(r.p90, r.lo90, r.hi90),
    ];
    if (r.stage === 1) {
      g.wait = figures;
      g.claimed = Number(r.total);
    } else if (r.stage === 2) g.reading = figures;
    else {
      g.total = figures;
      g.read = Number(r.total);
    }
    groups.set(key, g);
  }
  return [...groups.values()];
}

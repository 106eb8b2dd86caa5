// lib/priority/reading-order.ts in SQL: the parts of the reading order, each an index walk
// in its own order that stops after `limit` rows, for the list (orderedIdsSql) and for
// Next case (nextCaseSql). A change to PIN_RULES or TIE_BREAK changes both, and the engine.
import { Prisma } from "../db/generated/client";
import { PIN_RULES, TIE_BREAK, type PinRule } from "@/lib/priority/reading-order";

const column = (name: string) => Prisma.raw(`s."${name}"`);
const tieColumns = TIE_BREAK.map(column);
/** The columns each part returns: its pin time as "pin", then the tie-break columns. */
const partColumns = (pin: Prisma.Sql) =>
  Prisma.join([Prisma.sql`s.id`, Prisma.sql`${pin} AS pin`, ...TIE_BREAK.filter((c) => c !== "id").map(column)], ", ");

/** Where a pin rule puts a study among the pinned at `now`. */
function pinnedBy(rule: PinRule, now: Date): Prisma.Sql {
  return rule.counts === "whenSet"
    ? Prisma.sql`${column(rule.column)} IS NOT NULL`
    : Prisma.sql`${column(rule.column)} <= ${now}`;
}

/** Not pinned by any rule at `now`. */
function unpinned(now: Date): Prisma.Sql {
  return Prisma.join(
    PIN_RULES.map((rule) =>
      rule.counts === "whenSet"
        ? Prisma.sql`${column(rule.column)} IS NULL`
        : Prisma.sql`(${column(rule.column)} IS NULL OR ${column(rule.column)} > ${now})`,
    ),
    " AND ",
  );
}

type PartOptions = { limit: Prisma.Sql; lock?: boolean };
const lockClause = (lock?: boolean) => (lock ? Prisma.sql` FOR UPDATE OF s SKIP LOCKED` : Prisma.empty);

/**
 * One SELECT per pin rule, named by the rule's `part`: the studies matching `where` that the
 * rule pins, in pin order. The pinned parts need no "dueAt IS NOT NULL": pins are set and
 * cleared with the due time (refresh-priority, claims' LEAVES_WORKLIST), and saying it made
 * the planner AND in the whole due-time index.
 */
export function pinnedPartsSql(
  where: Prisma.Sql,
  now: Date,
  options: PartOptions,
): { part: PinRule["part"]; sql: Prisma.Sql }[] {
  return PIN_RULES.map((rule) => ({
    part: rule.part,
    sql: Prisma.sql`SELECT ${partColumns(column(rule.column))} FROM "Study" s
       WHERE ${pinnedBy(rule, now)} AND ${where}
       ORDER BY ${Prisma.join([column(rule.column), ...tieColumns], ", ")} LIMIT ${options.limit}${lockClause(options.lock)}`,
  }));
}

/** The unpinned open studies matching `where` (and `also`), in due order. */
export function duePartSql(where: Prisma.Sql, now: Date, options: PartOptions & { also?: Prisma.Sql }): Prisma.Sql {
  return Prisma.sql`SELECT ${partColumns(Prisma.sql`NULL::timestamp`)} FROM "Study" s
       WHERE s."dueAt" IS NOT NULL AND ${unpinned(now)} AND ${where}${options.also ? Prisma.sql` AND ${options.also}` : Prisma.empty}
       ORDER BY ${Prisma.join(tieColumns, ", ")} LIMIT ${options.limit}${lockClause(options.lock)}`;
}

/** How the parts' rows are merged: pinned first by pin time, then the tie-break columns. */
export const MERGED_ORDER = Prisma.raw(`pin ASC NULLS LAST, ${TIE_BREAK.map((c) => `"${c}" ASC`).join(", ")}`);

/** The pin in force at `now` (the earliest rule that applies), NULL for an unpinned study. */
function pinInForceSql(now: Date): Prisma.Sql {
  const pins = PIN_RULES.map((rule) =>
    rule.counts === "whenSet"
      ? column(rule.column)
      : Prisma.sql`CASE WHEN ${column(rule.column)} <= ${now} THEN ${column(rule.column)} END`,
  );
  return Prisma.sql`LEAST(${Prisma.join(pins, ", ")})`;
}

/** Pinned by some rule at `now`; its negation is `unpinned`. */
function pinnedSql(now: Date): Prisma.Sql {
  return Prisma.sql`(${Prisma.join(
    PIN_RULES.map((rule) => pinnedBy(rule, now)),
    " OR ",
  )})`;
}

/** The order of the unpinned studies (and of the pinned among equal pins): the tie-break columns. */
const TIE_BREAK_ORDER = Prisma.join(tieColumns, ", ");

/**
 * The whole reading order at \`now\` as one ORDER BY over "Study" s (a study's pin in force is the
 * earliest rule that applies), for queries that rank every open study at once rather than walk
 * an index part by part.
 */
export function readingOrderBySql(now: Date): Prisma.Sql {
  return Prisma.sql`${pinInForceSql(now)} ASC NULLS LAST, ${TIE_BREAK_ORDER}`;
}

/**
 * CTEs ending in `ranked (id, g, "dueAt", k)`: every open study numbered in reading order at `now`
 * (k = 1 is the top of the list), within its routed group when `byGroup` (g is then the group;
 * studies not routed yet are left out), else in one list (g = ''). Nothing sorts the whole
 * backlog: the few pinned studies are ranked by their pin, and the unpinned follow the due-time
 * index's own order, which the walk reads alone.
 */
export function rankedOpenStudiesSql(now: Date, byGroup: boolean): Prisma.Sql {
  const g = byGroup ? Prisma.sql`s."routedGroup"` : Prisma.sql`''::text`;
  const partition = byGroup ? Prisma.sql`PARTITION BY s."routedGroup" ` : Prisma.empty;
  const open = byGroup
    ? Prisma.sql`s."dueAt" IS NOT NULL AND s."routedGroup" IS NOT NULL`
    : Prisma.sql`s."dueAt" IS NOT NULL`;
  return Prisma.sql`WITH pinned AS MATERIALIZED (
      SELECT s.id, ${g} AS g, s."dueAt", row_number() OVER (${partition}ORDER BY ${pinInForceSql(now)}, ${TIE_BREAK_ORDER}) AS k
        FROM "Study" s WHERE ${open} AND ${pinnedSql(now)}
    ), pinned_count AS (
      SELECT g, count(*) AS n FROM pinned GROUP BY g
    ), ranked AS (
      SELECT id, g, "dueAt", k FROM pinned
      UNION ALL
      SELECT u.id, u.g, u."dueAt", COALESCE(pc.n, 0) + u.k FROM (
        SELECT s.id, ${g} AS g, s."dueAt", row_number() OVER (${partition}ORDER BY ${TIE_BREAK_ORDER}) AS k
          FROM "Study" s WHERE ${open} AND ${unpinned(now)}) u
      LEFT JOIN pinned_count pc ON pc.g = u.g
    )`;
}

import { Prisma } from "../db/generated/client";
import { arrayLiteral, textLiteral } from "../db/sql-literals";
import {
  coverageKey,
  credentialValid,
  inOverflowPool,
  type ReaderAccess,
  type RoutingContext,
} from "@/lib/routing/eligibility";
import { routingIsOn } from "@/lib/routing/routing-config";

/**
 * lib/routing/eligibility.ts's `eligibility(reader, study)` as SQL, cut into one slice per
 * reading group: each slice is `s."routedGroup" = <group> AND (<why the reader may read it>)`,
 * so the worklist, its count and Next case walk each group's own ordering index
 * (Study_group_*_idx) and merge, instead of filtering the whole backlog's order. Unrouted
 * open studies (routedGroup '', briefly, after routing is turned on) wait for the default group.
 *
 * Groups, sites and privileges are literals (server/db/sql-literals.ts), so a cached plan
 * for Next case estimates each slice's walk from the statistics.
 *
 * Null while routing is off (everyone may read everything); an empty list when the reader
 * may read nothing. An integration test compares the slices with the pure function over a
 * matrix of readers and studies.
 */
export function eligibleSlices(reader: ReaderAccess, ctx: RoutingContext): Prisma.Sql[] | null {
  const { config, now } = ctx;
  if (!routingIsOn(config)) return null;
  const conditions = new Map<string, Prisma.Sql[]>();
  const add = (group: string, condition: Prisma.Sql) =>
    conditions.set(group, [...(conditions.get(group) ?? []), condition]);

  // Their own groups: privileges, the trainee rule, site credentials.
  const barred = [...ctx.sites.values()]
    .filter((site) => site.credentialRequired)
    .filter((site) => !reader.credentials.some((c) => c.sourceId === site.id && credentialValid(c, now)))
    .map((site) => site.id);
  for (const m of reader.memberships) {
    const parts = [Prisma.sql`true`];
    if (m.modalities.length) parts.push(Prisma.sql`s."modalities" && ${arrayLiteral(m.modalities, "text")}`);
    if (m.bodyParts.length) parts.push(Prisma.sql`upper(s."bodyPart") = ANY(${arrayLiteral(m.bodyParts, "text")})`);
    if (reader.trainee)
      parts.push(Prisma.sql`s."orderPriority" IS DISTINCT FROM 'STAT' AND s."aiStatus" IS DISTINCT FROM 'critical'`);
    if (barred.length) parts.push(Prisma.sql`s."sourceId" <> ALL(${arrayLiteral(barred, "text")})`);
    add(m.group, Prisma.join(parts, " AND "));
  }

  // Overflow: a group nobody on duty covers at a site, or a study waiting past the group's overflow time.
  if (inOverflowPool(reader, config))
    for (const g of config.groups) {
      const uncovered = [...ctx.sites.keys()].filter((id) => !ctx.covered.has(coverageKey(g.key, id)));
      if (uncovered.length === ctx.sites.size && ctx.sites.size > 0) add(g.key, Prisma.sql`true`);
      else if (uncovered.length) add(g.key, Prisma.sql`s."sourceId" = ANY(${arrayLiteral(uncovered, "text")})`);
      // STAT and AI-critical studies also overflow where only trainees cover the group.
      const noAttending = [...ctx.sites.keys()].filter(
        (id) => ctx.covered.has(coverageKey(g.key, id)) && !ctx.covered.has(coverageKey(g.key, id, true)),
      );
      if (noAttending.length)
        add(
          g.key,
          Prisma.sql`s."sourceId" = ANY(${arrayLiteral(noAttending, "text")}) AND (s."orderPriority" = 'STAT' OR s."aiStatus" = 'critical')`,
        );
      if (g.overflowMinutes !== null)
        add(g.key, Prisma.sql`s."firstSeenAt" <= ${new Date(now.getTime() - g.overflowMinutes * 60_000)}`);
    }

  const slices: Prisma.Sql[] = [];
  for (const [group, conds] of conditions) {
    const why = Prisma.sql`(${Prisma.join(
      conds.map((c) => Prisma.sql`(${c})`),
      " OR ",
    )})`;
    slices.push(Prisma.sql`s."routedGroup" = ${textLiteral(group)} AND ${why}`);
    if (group === config.defaultGroup) slices.push(Prisma.sql`s."routedGroup" = '' AND ${why}`);
  }
  return slices;
}

/** The slices as one condition (a single study's check, e.g. a claim from the list). */
export const anySlice = (slices: Prisma.Sql[]): Prisma.Sql =>
  slices.length
    ? Prisma.sql`(${Prisma.join(
        slices.map((s) => Prisma.sql`(${s})`),
        " OR ",
      )})`
    : Prisma.sql`false`;

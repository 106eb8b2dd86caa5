import { Prisma } from "../db/generated/client";
import { credentialValid, inOverflowPool, type ReaderAccess, type RoutingContext } from "@/lib/routing/eligibility";
import { routingIsOn } from "@/lib/routing/routing-config";

const FALSE = Prisma.sql`false`;
const or = (parts: Prisma.Sql[]) => (parts.length ? Prisma.sql`(${Prisma.join(parts, " OR ")})` : FALSE);

/**
 * lib/routing/eligibility.ts's `eligibility(reader, study)` as a condition on "Study" s, for
 * the worklist, its count and Next case: the reader's own groups (with their privileges,
 * the trainee rule and site credentials), or overflow when the reader is in the overflow
 * pool. Null while routing is off (everyone may read everything). Written per reader, so
 * each shape of profile gets its own cached plan.
 */
export function eligibleSql(reader: ReaderAccess, ctx: RoutingContext): Prisma.Sql | null {
  const { config, now } = ctx;
  if (!routingIsOn(config)) return null;
  const group = Prisma.sql`COALESCE(s."routedGroup", ${config.defaultGroup ?? ""}::text)`;

  const memberships = reader.memberships.map((m) => {
    const parts = [Prisma.sql`${group} = ${m.group}::text`];
    if (m.modalities.length) parts.push(Prisma.sql`s."modalities" && ${m.modalities}::text[]`);
    if (m.bodyParts.length) parts.push(Prisma.sql`upper(s."bodyPart") = ANY(${m.bodyParts}::text[])`);
    return Prisma.sql`(${Prisma.join(parts, " AND ")})`;
  });
  const own = [or(memberships)];
  if (reader.trainee)
    own.push(Prisma.sql`(s."orderPriority" IS DISTINCT FROM 'STAT' AND s."aiStatus" IS DISTINCT FROM 'critical')`);
  const barred = [...ctx.sites.values()]
    .filter((site) => site.credentialRequired)
    .filter((site) => !reader.credentials.some((c) => c.sourceId === site.id && credentialValid(c, now)))
    .map((site) => site.id);
  if (barred.length) own.push(Prisma.sql`s."sourceId" <> ALL(${barred}::text[])`);
  const ownSql = Prisma.sql`(${Prisma.join(own, " AND ")})`;

  if (!inOverflowPool(reader, config)) return ownSql;
  const overflow = [Prisma.sql`(${group} || '|' || s."sourceId") <> ALL(${[...ctx.covered]}::text[])`];
  for (const g of config.groups)
    if (g.overflowMinutes !== null)
      overflow.push(
        Prisma.sql`(${group} = ${g.key}::text AND s."firstSeenAt" <= ${new Date(now.getTime() - g.overflowMinutes * 60_000)})`,
      );
  return Prisma.sql`(${ownSql} OR ${or(overflow)})`;
}

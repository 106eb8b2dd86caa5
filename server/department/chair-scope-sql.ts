import { Prisma } from "../db/generated/client";
import type { Db } from "../db/client";
import type { ChairFilters, ChairScope } from "@/lib/chair-scope";

/** A chair scope's days as instants: [since, until), local midnight to the midnight after the last day. */
export type ScopeBounds = { since: Date; until: Date };

/** Local midnights in `timeZone`, converted by Postgres (which knows every DST rule the zone ever had). */
export async function scopeBounds(
  db: Db,
  scope: Pick<ChairScope, "from" | "to">,
  timeZone: string,
): Promise<ScopeBounds> {
  const [row] = await db.$queryRaw<[ScopeBounds]>`
    SELECT ((${scope.from}::date::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC') AS since,
           (((${scope.to}::date + 1)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC') AS until`;
  return row;
}

/** SQL conditions on "Study" s for the chair's filters; TRUE when there are none. */
export function studyFiltersSql(f: ChairFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (f.modalities.length) parts.push(Prisma.sql`s.modalities && ${f.modalities.map((m) => m.toUpperCase())}::text[]`);
  if (f.priorities.length) {
    const known = f.priorities.filter((p) => p !== "UNKNOWN");
    const unknown = f.priorities.includes("UNKNOWN") ? Prisma.sql` OR s."orderPriority" IS NULL` : Prisma.empty;
    parts.push(Prisma.sql`(s."orderPriority" = ANY(${known}::"OrderPriority"[])${unknown})`);
  }
  if (f.locations.length) parts.push(Prisma.sql`s."patientLocation" = ANY(${f.locations}::"PatientLocation"[])`);
  if (f.sources.length) parts.push(Prisma.sql`s."sourceId" = ANY(${f.sources}::text[])`);
  if (f.groups.length) parts.push(Prisma.sql`s."routedGroup" = ANY(${f.groups}::text[])`);
  return parts.length ? Prisma.join(parts, " AND ") : Prisma.sql`TRUE`;
}

/** Only the order priority is filtered: the read rollup, kept per priority, can still answer. */
export function onlyPriorityFiltered(f: ChairFilters): boolean {
  return !f.modalities.length && !f.locations.length && !f.sources.length && !f.groups.length;
}

import { Prisma } from "../db/generated/client";
import type { WorklistFilters } from "@/lib/worklist-filters";

/** SQL conditions for the user's filters and their own skips (hidden until they lapse). */
export function filterSql(filters: WorklistFilters, userId: string, now: Date): Prisma.Sql {
  const parts: Prisma.Sql[] = [
    Prisma.sql`NOT EXISTS (SELECT 1 FROM "StudySkip" k WHERE k."studyId" = s.id AND k."userId" = ${userId} AND k."until" > ${now})`,
  ];
  if (filters.modalities.length) parts.push(Prisma.sql`s."modalities" && ${filters.modalities.map((m) => m.toUpperCase())}::text[]`);
  if (filters.bodyParts.length) parts.push(Prisma.sql`upper(s."bodyPart") = ANY(${filters.bodyParts.map((b) => b.toUpperCase())}::text[])`);
  if (filters.priorities.length) parts.push(Prisma.sql`COALESCE(s."orderPriority"::text, 'UNKNOWN') = ANY(${filters.priorities}::text[])`);
  if (filters.locations.length) parts.push(Prisma.sql`s."patientLocation"::text = ANY(${filters.locations}::text[])`);
  if (filters.aiFlaggedOnly) parts.push(Prisma.sql`s."aiStatus" IN ('critical', 'urgent')`);
  return Prisma.join(parts, " AND ");
}

/**
 * The reading order in SQL, mirroring lib/priority's comparePriority: pinned first by
 * pin time (a passed wait cap counts as a pin at arrival + cap), then due time.
 */
export function orderSql(now: Date): Prisma.Sql {
  return Prisma.sql`LEAST(s."pinnedAt", CASE WHEN s."capAt" <= ${now} THEN s."capAt" END) ASC NULLS LAST, s."dueAt" ASC NULLS LAST, s."firstSeenAt" ASC, s.id ASC`;
}

/** A claim counts only while its heartbeat is fresh. */
export function activeClaimSql(now: Date, timeoutMinutes: number): Prisma.Sql {
  return Prisma.sql`(s."readingState" = 'CLAIMED' AND s."claimHeartbeatAt" >= ${new Date(now.getTime() - timeoutMinutes * 60_000)})`;
}

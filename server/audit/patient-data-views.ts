import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { PatientDataView } from "@/lib/audit-search";

/** Where a request came from, as the audit log records it. */
export type RequestOrigin = { ip: string | null; userAgent: string | null };

export function requestOrigin(headers: Headers): RequestOrigin {
  // Next.js's server sets x-forwarded-for to the peer's address; behind a reverse proxy, the proxy's chain.
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip");
  return { ip: forwarded?.slice(0, 100) || null, userAgent: headers.get("user-agent")?.slice(0, 300) || null };
}

/** Refetches of an open panel (focus, a live update) are one look, not many. */
export const VIEW_REPEAT_WINDOW_MS = 5 * 60_000;

/**
 * Records that a person saw a study's patient data: who, which study, what, when, from where.
 * One statement: the same person, study and kind within VIEW_REPEAT_WINDOW_MS are recorded once.
 */
export async function recordPatientDataView(
  db: Db,
  view: { actorId: string; studyId: string; action: PatientDataView; origin: RequestOrigin },
  now = new Date(),
): Promise<boolean> {
  const since = new Date(now.getTime() - VIEW_REPEAT_WINDOW_MS);
  const details = JSON.stringify({ ip: view.origin.ip, userAgent: view.origin.userAgent });
  const inserted = await db.$executeRaw(Prisma.sql`
    INSERT INTO "AuditEvent" (id, at, "actorId", action, "studyId", details)
    SELECT gen_random_uuid()::text, ${now}, ${view.actorId}, ${view.action}, s.id, ${details}::jsonb
    FROM "Study" s
    WHERE s.id = ${view.studyId}
      AND NOT EXISTS (
        SELECT 1 FROM "AuditEvent" e
        WHERE e."studyId" = ${view.studyId} AND e."actorId" = ${view.actorId}
          AND e.action = ${view.action} AND e.at > ${since})`);
  return inserted > 0;
}

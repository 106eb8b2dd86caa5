import type { Db } from "../db/client";
import { ORDER_PRIORITIES, PATIENT_LOCATIONS } from "@/lib/priority/classes";

export type StageRow = {
  /** "all", "ai" (AI-critical vs not flagged) or "class" (order priority × patient location). */
  group: "all" | "ai" | "class";
  /** The row's name: "All reads", "AI critical", "not flagged", or e.g. "STAT · ED". */
  label: string;
  priority: string | null;
  location: string | null;
  read: number;
  /** Reads that went through a claim (the RIS can mark a study read without one): the stage figures count these. */
  claimed: number;
  waitP50: number | null;
  waitP90: number | null;
  readingP50: number | null;
  readingP90: number | null;
  totalP50: number | null;
  totalP90: number | null;
};

/**
 * Turnaround of the studies read in the last `days` days, split by stage, in minutes:
 * waiting (arrival → claim), reading (claim → read) and total (arrival → read), as medians and
 * 90th percentiles (linear interpolation, Postgres's percentile_cont), for all reads, for AI-critical
 * against unflagged studies, and per order priority × patient location. One query, in SQL.
 */
export async function turnaroundByStage(db: Db, now: Date, days: number): Promise<StageRow[]> {
  const since = new Date(now.getTime() - days * 24 * 3600_000);
  const rows = await db.$queryRaw<
    (Omit<StageRow, "group" | "label" | "read" | "claimed"> & {
      ai: string | null;
      g_class: number;
      g_ai: number;
      read: bigint;
      claimed: bigint;
    })[]
  >`
    WITH r AS (
      SELECT COALESCE("orderPriority"::text, 'UNKNOWN') AS priority, "patientLocation"::text AS location,
             CASE WHEN "aiStatus" = 'critical' THEN 'AI critical' ELSE 'not flagged' END AS ai,
             extract(epoch FROM "claimedAt" - "firstSeenAt") / 60 AS wait,
             extract(epoch FROM "readAt" - "claimedAt") / 60 AS reading,
             extract(epoch FROM "readAt" - "firstSeenAt") / 60 AS total,
             "claimedAt"
      FROM "Study" WHERE "readAt" >= ${since} AND "readAt" <= ${now}
    )
    SELECT priority, location, ai, GROUPING(priority, location)::int AS g_class, GROUPING(ai)::int AS g_ai,
           count(*) AS read, count("claimedAt") AS claimed,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) AS "waitP50",
           percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) AS "waitP90",
           percentile_cont(0.5) WITHIN GROUP (ORDER BY reading) AS "readingP50",
           percentile_cont(0.9) WITHIN GROUP (ORDER BY reading) AS "readingP90",
           percentile_cont(0.5) WITHIN GROUP (ORDER BY total) AS "totalP50",
           percentile_cont(0.9) WITHIN GROUP (ORDER BY total) AS "totalP90"
    FROM r GROUP BY GROUPING SETS ((), (ai), (priority, location))`;
  const group = (r: (typeof rows)[number]): StageRow["group"] =>
    r.g_class === 3 && r.g_ai === 1 ? "all" : r.g_class === 3 ? "ai" : "class";
  return rows
    .map((r) => ({
      group: group(r),
      label: group(r) === "all" ? "All reads" : group(r) === "ai" ? r.ai! : `${r.priority} · ${r.location}`,
      priority: group(r) === "class" ? r.priority : null,
      location: group(r) === "class" ? r.location : null,
      read: Number(r.read),
      claimed: Number(r.claimed),
      waitP50: tenth(r.waitP50),
      waitP90: tenth(r.waitP90),
      readingP50: tenth(r.readingP50),
      readingP90: tenth(r.readingP90),
      totalP50: tenth(r.totalP50),
      totalP90: tenth(r.totalP90),
    }))
    .sort((a, b) => rank(a) - rank(b));
}

// Minutes to a tenth: enough for a chair, and free of floating-point noise.
const tenth = (m: number | null) => (m === null ? null : Math.round(m * 10) / 10);

// All reads, then AI critical and not flagged, then the classes most urgent first.
const PRIORITY_ORDER: string[] = [...ORDER_PRIORITIES, "UNKNOWN"];
const LOCATION_ORDER: string[] = [...PATIENT_LOCATIONS];
const rank = (r: StageRow) =>
  r.group === "all"
    ? 0
    : r.group === "ai"
      ? r.label === "AI critical"
        ? 1
        : 2
      : 10 + PRIORITY_ORDER.indexOf(r.priority!) * 10 + LOCATION_ORDER.indexOf(r.location!);

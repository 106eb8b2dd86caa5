import type { Db } from "../db/client";
import { NO_CHAIR_FILTERS, type ChairFilters } from "@/lib/chair-scope";
import { studyFiltersSql, type ScopeBounds } from "./chair-scope-sql";
import {
  rollupCanFilter,
  turnaroundFromRollup,
  turnaroundRollupZone,
  type ScopeDays,
  type StageFigures,
} from "./turnaround-rollup";
import { EXACT_PERCENTILE_READS } from "@/lib/duration-histogram";
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
  /** From the turnaround rollup's histogram (within RELATIVE_ERROR of exact), not from every read. */
  approximate: boolean;
};

/**
 * Turnaround of the studies read in [since, until) that match the filters, split by stage, in minutes:
 * waiting (arrival → claim), reading (claim → read) and total (arrival → read), as medians and
 * 90th percentiles (linear interpolation, Postgres's percentile_cont), for all reads, for AI-critical
 * against unflagged studies, and per order priority × patient location. In SQL: exact (every
 * duration sorted) up to `exactReadsLimit` reads; above it, given the range's department days in
 * the rollup's zone and no filter the rollup lacks, from the turnaround rollup's histogram (within
 * RELATIVE_ERROR; each row says `approximate`).
 */
export async function turnaroundByStage(
  db: Db,
  bounds: ScopeBounds,
  filters: ChairFilters = NO_CHAIR_FILTERS,
  /** The range as department days: lets a range of many reads be answered from the rollup. */
  days?: ScopeDays,
  exactReadsLimit = EXACT_PERCENTILE_READS,
): Promise<StageRow[]> {
  if (days && rollupCanFilter(filters) && (await turnaroundRollupZone(db)) === days.timeZone) {
    // Counting stops one past the limit: cheap however many reads the range holds.
    const [{ reads }] = await db.$queryRaw<[{ reads: bigint }]>`
      SELECT count(*) AS reads FROM (SELECT 1 FROM "Study" s WHERE "readAt" >= ${bounds.since} AND "readAt" < ${bounds.until}
        AND ${studyFiltersSql(filters)} LIMIT ${exactReadsLimit + 1}) x`;
    if (Number(reads) > exactReadsLimit) return stageRows(await turnaroundFromRollup(db, days, filters), true);
  }
  return stageRows(await exactTurnaround(db, bounds, filters), false);
}

async function exactTurnaround(db: Db, { since, until }: ScopeBounds, filters: ChairFilters): Promise<StageFigures[]> {
  // Grouped on the enums before they become text, durations as float8 (extract gives numeric, slow
  // to sort), and each stage's two percentiles from one sort: read from the read-time index alone.
  const rows = await db.$queryRaw<
    {
      priority: string | null;
      location: string;
      critical: boolean | null;
      g_class: number;
      g_ai: number;
      read: bigint;
      claimed: bigint;
      wait: (number | null)[] | null;
      reading: (number | null)[] | null;
      total: (number | null)[] | null;
    }[]
  >`
    SELECT priority::text AS priority, location::text AS location, critical, g_class, g_ai, read, claimed, wait, reading, total FROM (
      SELECT "orderPriority" AS priority, "patientLocation" AS location, "aiStatus" IS NOT DISTINCT FROM 'critical' AS critical,
             GROUPING("orderPriority", "patientLocation")::int AS g_class,
             GROUPING("aiStatus" IS NOT DISTINCT FROM 'critical')::int AS g_ai,
             count(*) AS read, count("claimedAt") AS claimed,
             percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', "claimedAt" - "firstSeenAt") / 60) AS wait,
             percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', "readAt" - "claimedAt") / 60) AS reading,
             percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', "readAt" - "firstSeenAt") / 60) AS total
        FROM "Study" s WHERE "readAt" >= ${since} AND "readAt" < ${until} AND ${studyFiltersSql(filters)}
       GROUP BY GROUPING SETS ((), ("aiStatus" IS NOT DISTINCT FROM 'critical'), ("orderPriority", "patientLocation"))) t`;
  const pair = (a: (number | null)[] | null): [number | null, number | null] => [a?.[0] ?? null, a?.[1] ?? null];
  return rows.map((r) => ({
    ...r,
    read: Number(r.read),
    claimed: Number(r.claimed),
    wait: pair(r.wait),
    reading: pair(r.reading),
    total: pair(r.total),
  }));
}

function stageRows(rows: StageFigures[], approximate: boolean): StageRow[] {
  const group = (r: StageFigures): StageRow["group"] =>
    r.g_class === 3 && r.g_ai === 1 ? "all" : r.g_class === 3 ? "ai" : "class";
  return rows
    .map((r) => {
      const g = group(r);
      const priority = r.priority ?? "UNKNOWN";
      return {
        group: g,
        label:
          g === "all"
            ? "All reads"
            : g === "ai"
              ? r.critical
                ? "AI critical"
                : "not flagged"
              : `${priority} · ${r.location}`,
        priority: g === "class" ? priority : null,
        location: g === "class" ? r.location : null,
        read: r.read,
        claimed: r.claimed,
        waitP50: tenth(r.wait[0]),
        waitP90: tenth(r.wait[1]),
        readingP50: tenth(r.reading[0]),
        readingP90: tenth(r.reading[1]),
        totalP50: tenth(r.total[0]),
        totalP90: tenth(r.total[1]),
        approximate,
      };
    })
    .sort((a, b) => rank(a) - rank(b));
}

// Minutes to a tenth: enough for a chair, and free of floating-point noise.
const tenth = (m: number | null | undefined) => (m === null || m === undefined ? null : Math.round(m * 10) / 10);

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

import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { NO_CHAIR_FILTERS, type ChairFilters } from "@/lib/chair-scope";
import { studyFiltersSql, type ScopeBounds } from "./chair-scope-sql";
import { readerNames } from "./reading-by-reader";
import { workRvu, type RvuTable } from "@/lib/routing/rvu";
import { DUTY_OFF_ACTIONS, DUTY_ON_ACTIONS } from "@/lib/routing/shifts";

export type ReaderShift = {
  readerId: string;
  reader: string;
  /**
   * A shift as worked: from the reader going on duty (their switch, or their schedule's shift
   * starting) to going off; `end` null while they are still on. Reads outside every recorded
   * shift count per department day instead (`day`, with `start` and `end` null).
   */
  start: Date | null;
  end: Date | null;
  /** YYYY-MM-DD: the department day of reads outside a recorded shift; null for a shift. */
  day: string | null;
  reads: number;
  /** Work RVUs of those reads, from the site's RVU table. */
  rvu: number;
};

/**
 * `periods` (uid, start, end): every reader's on-duty stretches that overlap [since, until), from
 * their duty changes in the audit trail (only changes count: a second "on" while on is none).
 */
const dutyPeriodsSql = (since: Date, until: Date) => Prisma.sql`
  WITH ev AS (
    SELECT e.details->>'userId' AS uid, e.at, e.action = ANY(${DUTY_ON_ACTIONS}) AS on_duty, e.id
      FROM "AuditEvent" e
     WHERE e.action = ANY(${[...DUTY_ON_ACTIONS, ...DUTY_OFF_ACTIONS]}) AND e.at < ${until}
  ), marked AS (
    SELECT uid, at, id, on_duty, lag(on_duty) OVER (PARTITION BY uid ORDER BY at, id) AS before FROM ev
  ), changes AS (
    SELECT uid, at, on_duty, lead(at) OVER (PARTITION BY uid ORDER BY at, id) AS next_at
      FROM marked WHERE before IS DISTINCT FROM on_duty
  ), periods AS (
    SELECT uid, at AS start, next_at AS "end" FROM changes WHERE on_duty AND (next_at IS NULL OR next_at > ${since})
  )`;

/**
 * RVUs read per reader per shift over [since, until) and the studies the filters take in. A shift
 * is an on-duty stretch from the audit trail (every duty change is audited, by the reader, a
 * scheduler, the schedule or a lapsed claim), so it is what was worked, not what was planned; a
 * second "on" while on changes nothing. Shifts overlapping the range are listed even when nothing
 * was read in them.
 */
export async function readsByShift(
  db: Db,
  { since, until }: ScopeBounds,
  timeZone: string,
  table: RvuTable,
  filters: ChairFilters = NO_CHAIR_FILTERS,
): Promise<ReaderShift[]> {
  const periods = dutyPeriodsSql(since, until);
  const [shifts, reads] = await Promise.all([
    db.$queryRaw<{ uid: string; start: Date; end: Date | null }[]>`${periods} SELECT uid, start, "end" FROM periods`,
    db.$queryRaw<
      { id: string; start: Date | null; day: string | null; modalities: string[]; bodyPart: string | null; n: bigint }[]
    >`${periods}
      -- Each read with its reader's duty changes, in time order (a change before a read at the same
      -- instant: a shift holds its first instant, not its last): the reader is on duty at a read
      -- when their latest change before it is an "on". One sort, where joining each read to its
      -- reader's shifts by range took 32 s over a year of a million reads.
      , marks AS (
        SELECT uid, at, 0 AS kind, on_duty, NULL::text[] AS modalities, NULL::text AS "bodyPart" FROM changes
        UNION ALL
        SELECT s."readById", s."readAt", 1, NULL, s.modalities, upper(s."bodyPart")
          FROM "Study" s
         WHERE s."readAt" >= ${since} AND s."readAt" < ${until} AND s."readById" IS NOT NULL AND ${studyFiltersSql(filters)}
      ), stated AS (
        SELECT kind, uid, at, modalities, "bodyPart",
               max(at) FILTER (WHERE kind = 0 AND on_duty) OVER w AS last_on,
               max(at) FILTER (WHERE kind = 0 AND NOT on_duty) OVER w AS last_off
          FROM marks
        WINDOW w AS (PARTITION BY uid ORDER BY at, kind ROWS UNBOUNDED PRECEDING)
      ), placed AS (
        SELECT uid, modalities, "bodyPart", at,
               CASE WHEN last_on IS NOT NULL AND (last_off IS NULL OR last_off < last_on) THEN last_on END AS start
          FROM stated WHERE kind = 1
      )
      SELECT uid AS id, start,
             CASE WHEN start IS NULL
                  THEN to_char((at AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') END AS day,
             modalities, "bodyPart", count(*) AS n
        FROM placed
       GROUP BY 1, 2, 3, 4, 5`,
  ]);
  const rows = new Map<string, Omit<ReaderShift, "reader">>();
  const row = (readerId: string, start: Date | null, end: Date | null, day: string | null) => {
    const key = `${readerId}|${start?.toISOString() ?? day}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { readerId, start, end, day, reads: 0, rvu: 0 }));
    return r;
  };
  for (const s of shifts) row(s.uid, s.start, s.end, null);
  for (const r of reads) {
    const x = row(r.id, r.start, null, r.day);
    x.reads += Number(r.n);
    x.rvu += Number(r.n) * workRvu(table, { modalities: r.modalities, bodyPart: r.bodyPart });
  }
  const name = await readerNames(
    db,
    [...rows.values()].map((r) => r.readerId),
  );
  // Newest first (a day's unrecorded reads sort at that day's start in UTC), then by reader.
  const at = (r: Omit<ReaderShift, "reader">) => r.start?.getTime() ?? Date.parse(`${r.day}T00:00:00Z`);
  return [...rows.values()]
    .map((r) => ({ ...r, rvu: Math.round(r.rvu * 100) / 100, reader: name(r.readerId) }))
    .sort((a, b) => at(b) - at(a) || a.reader.localeCompare(b.reader));
}

import type { Db } from "../db/client";
import { hasFilters, NO_CHAIR_FILTERS, type ChairFilters } from "@/lib/chair-scope";
import { studyFiltersSql, type ScopeBounds } from "./chair-scope-sql";
import { workRvu, type RvuTable } from "@/lib/routing/rvu";

export type ReaderWeek = {
  readerId: string;
  reader: string;
  /** The Monday the department week starts on, YYYY-MM-DD. */
  week: string;
  reads: number;
  /** Work RVUs of those reads, from the site's RVU table. */
  rvu: number;
  /** Claims they made (Next case and from the list), and of those, out of order (picked below the top N, with a reason). */
  claims: number;
  outOfOrder: number;
};

/**
 * Per reader and department week (weeks start on Monday in `timeZone`; the range's first and last
 * weeks may be partial), over [since, until) and the studies the filters take in: reads and their work
 * RVUs, claims, and claims taken out of order: what a chair looks at for cherry-picking. Reads
 * come from the read-studies index, claims from the audit trail; RVUs are the site's table
 * applied to each read's modality and body part (so studies read before routing count too).
 */
export async function readingByReader(
  db: Db,
  { since, until }: ScopeBounds,
  timeZone: string,
  table: RvuTable,
  filters: ChairFilters = NO_CHAIR_FILTERS,
): Promise<ReaderWeek[]> {
  const filtered = hasFilters(filters);
  const [reads, claims] = await Promise.all([
    db.$queryRaw<{ id: string; week: string; modalities: string[]; bodyPart: string | null; n: bigint }[]>`
      SELECT s."readById" AS id,
             to_char(date_trunc('week', (s."readAt" AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}), 'YYYY-MM-DD') AS week,
             s.modalities, upper(s."bodyPart") AS "bodyPart", count(*) AS n
        FROM "Study" s
       WHERE s."readAt" >= ${since} AND s."readAt" < ${until} AND s."readById" IS NOT NULL AND ${studyFiltersSql(filters)}
       GROUP BY 1, 2, 3, 4`,
    // Claims of studies the filters take in (a claim's study is its audit event's).
    db.$queryRaw<{ id: string; week: string; claims: bigint; outOfOrder: bigint }[]>`
      SELECT e."actorId" AS id,
             to_char(date_trunc('week', (e.at AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}), 'YYYY-MM-DD') AS week,
             count(*) AS claims, count(*) FILTER (WHERE e.action = 'study.claim-out-of-order') AS "outOfOrder"
        FROM "AuditEvent" e
       WHERE e.at >= ${since} AND e.at < ${until} AND e."actorId" IS NOT NULL
         AND e.action IN ('study.claim', 'study.claim-out-of-order')
         AND (${!filtered} OR EXISTS (SELECT 1 FROM "Study" s WHERE s.id = e."studyId" AND ${studyFiltersSql(filters)}))
       GROUP BY 1, 2`,
  ]);
  const rows = new Map<string, Omit<ReaderWeek, "reader">>();
  const row = (id: string, week: string) => {
    const key = `${id}|${week}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { readerId: id, week, reads: 0, rvu: 0, claims: 0, outOfOrder: 0 }));
    return r;
  };
  for (const r of reads) {
    const x = row(r.id, r.week);
    x.reads += Number(r.n);
    x.rvu += Number(r.n) * workRvu(table, { modalities: r.modalities, bodyPart: r.bodyPart });
  }
  for (const c of claims) {
    const x = row(c.id, c.week);
    x.claims += Number(c.claims);
    x.outOfOrder += Number(c.outOfOrder);
  }
  const name = await readerNames(
    db,
    [...rows.values()].map((r) => r.readerId),
  );
  return [...rows.values()]
    .map((r) => ({ ...r, rvu: Math.round(r.rvu * 100) / 100, reader: name(r.readerId) }))
    .sort((a, b) => (a.week < b.week ? 1 : a.week > b.week ? -1 : a.reader.localeCompare(b.reader)));
}

/** Readers' names by id, for the chair's tables; an id whose user is gone reads "a former user". */
export async function readerNames(db: Db, ids: string[]): Promise<(id: string) => string> {
  const users = await db.user.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true } });
  const names = new Map(users.map((u) => [u.id, u.name]));
  return (id) => names.get(id) ?? "a former user";
}

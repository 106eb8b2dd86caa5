import type { Db } from "../db/client";
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
 * Per reader and department week (weeks start on Monday in `timeZone`): reads and their work
 * RVUs, claims, and claims taken out of order: what a chair looks at for cherry-picking. Reads
 * come from the read-studies index, claims from the audit trail; RVUs are the site's table
 * applied to each read's modality and body part (so studies read before routing count too).
 */
export async function readingByReader(
  db: Db,
  now: Date,
  weeks: number,
  timeZone: string,
  table: RvuTable,
): Promise<ReaderWeek[]> {
  const since = await db.$queryRaw<[{ since: Date }]>`
    SELECT (((date_trunc('week', ${now}::timestamptz AT TIME ZONE ${timeZone}) - make_interval(weeks => ${weeks - 1}::int))
             AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC') AS since`;
  const from = since[0].since;
  const [reads, claims] = await Promise.all([
    db.$queryRaw<{ id: string; week: string; modalities: string[]; bodyPart: string | null; n: bigint }[]>`
      SELECT "readById" AS id,
             to_char(date_trunc('week', ("readAt" AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}), 'YYYY-MM-DD') AS week,
             modalities, upper("bodyPart") AS "bodyPart", count(*) AS n
        FROM "Study"
       WHERE "readAt" >= ${from} AND "readAt" <= ${now} AND "readById" IS NOT NULL
       GROUP BY 1, 2, 3, 4`,
    db.$queryRaw<{ id: string; week: string; claims: bigint; outOfOrder: bigint }[]>`
      SELECT "actorId" AS id,
             to_char(date_trunc('week', (at AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}), 'YYYY-MM-DD') AS week,
             count(*) AS claims, count(*) FILTER (WHERE action = 'study.claim-out-of-order') AS "outOfOrder"
        FROM "AuditEvent"
       WHERE at >= ${from} AND at <= ${now} AND "actorId" IS NOT NULL
         AND action IN ('study.claim', 'study.claim-out-of-order')
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
  const names = new Map(
    (
      await db.user.findMany({
        where: { id: { in: [...new Set([...rows.values()].map((r) => r.readerId))] } },
        select: { id: true, name: true },
      })
    ).map((u) => [u.id, u.name]),
  );
  return [...rows.values()]
    .map((r) => ({ ...r, rvu: Math.round(r.rvu * 100) / 100, reader: names.get(r.readerId) ?? "a former user" }))
    .sort((a, b) => (a.week < b.week ? 1 : a.week > b.week ? -1 : a.reader.localeCompare(b.reader)));
}

import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { rankedOpenStudiesSql } from "../worklist/reading-order-sql";

/** The recent read rate is taken over this many hours. */
export const FORECAST_WINDOW_HOURS = 2;

export type LateStudy = {
  id: string;
  accessionNumber: string | null;
  orderPriority: string | null;
  patientLocation: string;
  dueAt: Date;
  predictedReadAt: Date;
};

export type ClearanceForecast =
  | { basis: "no-reads"; open: number; windowHours: number }
  | {
      basis: "recent-rate";
      open: number;
      windowHours: number;
      readsInWindow: number;
      readers: number;
      readsPerHour: number;
      /** When the last open study would be read, at that rate. */
      clearsAt: Date;
      /** Open studies that would be read after their due time, and the first of them in reading order. */
      late: number;
      lateStudies: LateStudy[];
    };

/**
 * When the backlog clears if the department keeps reading at its recent rate, and which studies
 * would be read after their due time before then. The k-th open study in reading order (1 = the
 * top of the list) is read at now + k × (60 / reads per hour) minutes: readers take the list in
 * order, and the rate counts every reader on duty. Ranked in SQL in the worklist's own order.
 */
export async function clearanceForecast(db: Db, now: Date, limit = 20): Promise<ClearanceForecast> {
  const since = new Date(now.getTime() - FORECAST_WINDOW_HOURS * 3600_000);
  const [recent] = await db.$queryRaw<{ reads: bigint; readers: bigint }[]>`
    SELECT count(*) AS reads, count(DISTINCT "readById") AS readers
    FROM "Study" WHERE "readAt" > ${since} AND "readAt" <= ${now}`;
  const reads = Number(recent?.reads ?? 0);
  if (reads === 0) {
    const open = await db.study.count({ where: { dueAt: { not: null } } });
    return { basis: "no-reads", open, windowHours: FORECAST_WINDOW_HOURS };
  }
  const readsPerHour = reads / FORECAST_WINDOW_HOURS;
  const minutesPerRead = 60 / readsPerHour;
  // Totals and the first late studies are two queries, so neither keeps the 100k-row ranking.
  const ranked = Prisma.sql`${rankedOpenStudiesSql(now, false)}, predicted AS (
      SELECT id, "dueAt", ${now}::timestamp + (k * ${minutesPerRead}::float8) * interval '1 minute' AS "predictedReadAt" FROM ranked
    )`;
  const [[totals], late] = await Promise.all([
    db.$queryRaw<{ open: bigint; late: bigint; lastAt: Date | null }[]>`${ranked}
      SELECT count(*) AS open, count(*) FILTER (WHERE "predictedReadAt" > "dueAt") AS late,
             max("predictedReadAt") AS "lastAt" FROM predicted`,
    db.$queryRaw<LateStudy[]>`${ranked}
      SELECT p.id, s."accessionNumber", s."orderPriority"::text AS "orderPriority",
             s."patientLocation"::text AS "patientLocation", p."dueAt", p."predictedReadAt"
        FROM (SELECT * FROM predicted WHERE "predictedReadAt" > "dueAt" ORDER BY "predictedReadAt" LIMIT ${limit}) p
        JOIN "Study" s ON s.id = p.id ORDER BY p."predictedReadAt"`,
  ]);
  return {
    basis: "recent-rate",
    open: Number(totals?.open ?? 0),
    windowHours: FORECAST_WINDOW_HOURS,
    readsInWindow: reads,
    readers: Number(recent?.readers ?? 0),
    readsPerHour,
    clearsAt: totals?.lastAt ?? now,
    late: Number(totals?.late ?? 0),
    lateStudies: late,
  };
}

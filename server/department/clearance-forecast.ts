import type { Db } from "../db/client";
import { readingOrderBySql } from "../worklist/reading-order-sql";

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
  const rows = await db.$queryRaw<(LateStudy & { open: bigint; late: bigint; lastAt: Date })[]>`
    WITH ranked AS (
      SELECT s.id, s."accessionNumber", s."orderPriority"::text AS "orderPriority",
             s."patientLocation"::text AS "patientLocation", s."dueAt",
             ${now}::timestamp + (row_number() OVER (ORDER BY ${readingOrderBySql(now)}) * ${minutesPerRead}::float8) * interval '1 minute' AS "predictedReadAt"
      FROM "Study" s WHERE s."dueAt" IS NOT NULL
    ), totals AS (
      SELECT count(*) AS open, count(*) FILTER (WHERE "predictedReadAt" > "dueAt") AS late,
             max("predictedReadAt") AS "lastAt" FROM ranked
    )
    SELECT totals.*, l.* FROM totals
    LEFT JOIN LATERAL (
      SELECT * FROM ranked WHERE "predictedReadAt" > "dueAt" ORDER BY "predictedReadAt" LIMIT ${limit}
    ) l ON true`;
  const first = rows[0];
  return {
    basis: "recent-rate",
    open: Number(first?.open ?? 0),
    windowHours: FORECAST_WINDOW_HOURS,
    readsInWindow: reads,
    readers: Number(recent?.readers ?? 0),
    readsPerHour,
    clearsAt: first?.lastAt ?? now,
    late: Number(first?.late ?? 0),
    lateStudies: rows
      .filter((r) => r.id)
      .map((r) => ({
        id: r.id,
        accessionNumber: r.accessionNumber,
        orderPriority: r.orderPriority,
        patientLocation: r.patientLocation,
        dueAt: r.dueAt,
        predictedReadAt: r.predictedReadAt,
      })),
  };
}

import type { Db } from "../db/client";
import { computePriority } from "@/lib/priority/engine";
import { getPriorityConfig } from "../core/settings";
import { priorityColumns, toPriorityInput, type PriorityColumns } from "../worklist/priority-input";
import { ORDER_PRIORITIES } from "@/lib/priority/classes";
import { BACKLOG_AGE_BUCKETS } from "@/lib/backlog-age";
import { ageBucket } from "./backlog-cross-tab";

export type ThroughputSummary = {
  windowHours: number;
  read: number;
  arrived: number;
  open: number;
  medianTurnaroundMinutes: number | null;
  p90TurnaroundMinutes: number | null;
  /** Arrival to read for studies the AI flagged critical: the figure ReadNext exists to shorten. */
  criticalRead: number;
  medianCriticalTurnaroundMinutes: number | null;
  /** Reads whose due time was recorded, and how many of them were read by it. */
  readWithDueTime: number;
  readByDueTime: number;
};

/** Reads and arrivals over the last `windowHours`, with arrival-to-read turnaround percentiles. */
export async function throughputSummary(database: Db, now: Date, windowHours: number): Promise<ThroughputSummary> {
  const since = new Date(now.getTime() - windowHours * 3600_000);
  const [row] = await database.$queryRaw<
    {
      read: bigint;
      arrived: bigint;
      open: bigint;
      p50: number | null;
      p90: number | null;
      critical: bigint;
      criticalP50: number | null;
      withDue: bigint;
      byDue: bigint;
    }[]
  >`
    SELECT
      (SELECT count(*) FROM "Study" WHERE "readAt" >= ${since}) AS read,
      (SELECT count(*) FROM "Study" WHERE "firstSeenAt" >= ${since}) AS arrived,
      (SELECT count(*) FROM "Study" WHERE "readingState" <> 'READ' AND "readingState" <> 'CANCELLED') AS open,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "readAt" - "firstSeenAt") / 60) AS p50,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM "readAt" - "firstSeenAt") / 60) AS p90,
      count(*) FILTER (WHERE "aiStatus" = 'critical') AS critical,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "readAt" - "firstSeenAt") / 60) FILTER (WHERE "aiStatus" = 'critical') AS "criticalP50",
      count("dueAtWhenRead") AS "withDue",
      count(*) FILTER (WHERE "readAt" <= "dueAtWhenRead") AS "byDue"
    FROM "Study" WHERE "readAt" >= ${since}`;
  return {
    windowHours,
    read: Number(row?.read ?? 0),
    arrived: Number(row?.arrived ?? 0),
    open: Number(row?.open ?? 0),
    medianTurnaroundMinutes: row?.p50 ?? null,
    p90TurnaroundMinutes: row?.p90 ?? null,
    criticalRead: Number(row?.critical ?? 0),
    medianCriticalTurnaroundMinutes: row?.criticalP50 ?? null,
    readWithDueTime: Number(row?.withDue ?? 0),
    readByDueTime: Number(row?.byDue ?? 0),
  };
}

export type BacklogSummary = {
  total: number;
  byAge: { label: string; count: number }[];
  byPriority: { priority: string; count: number }[];
};

/** Unread and claimed studies by waiting time and order priority ("unknown" when the DICOM gave none). */
export async function backlogSummary(database: Db, now: Date): Promise<BacklogSummary> {
  // Counted in SQL by the cross-tab's own age buckets (a study that arrived after `now` counts as
  // under an hour), grouped on the enum before it becomes text: the open-backlog index alone answers.
  const rows = await database.$queryRaw<{ age: number; priority: string | null; count: bigint }[]>`
    SELECT age, priority::text AS priority, count FROM (
      SELECT ${ageBucket(now)} AS age, "orderPriority" AS priority, count(*) AS count
        FROM "Study" WHERE "readingState" <> 'READ' AND "readingState" <> 'CANCELLED' GROUP BY 1, 2) t`;
  const byAge = BACKLOG_AGE_BUCKETS.map((b) => ({ label: b.label, count: 0 }));
  const byPriority = new Map<string, number>();
  let total = 0;
  for (const r of rows) {
    const n = Number(r.count);
    total += n;
    byAge[r.age]!.count += n;
    const key = r.priority ?? "unknown";
    byPriority.set(key, (byPriority.get(key) ?? 0) + n);
  }
  // Every class, most urgent first, so the tiles stay in place as counts change.
  const classes = [...ORDER_PRIORITIES, "unknown"];
  return { total, byAge, byPriority: classes.map((priority) => ({ priority, count: byPriority.get(priority) ?? 0 })) };
}

/** Open studies due within `horizonMinutes` or already overdue, soonest first, with the engine's reasons. */
export async function listAtRiskStudies(database: Db, now: Date, horizonMinutes: number, limit: number) {
  const [config, rows] = await Promise.all([
    getPriorityConfig(database),
    database.study.findMany({
      where: { dueAt: { not: null, lte: new Date(now.getTime() + horizonMinutes * 60_000) } },
      orderBy: [{ dueAt: "asc" }, { firstSeenAt: "asc" }],
      take: limit,
      select: {
        ...priorityColumns,
        accessionNumber: true,
        patientName: true,
        modalities: true,
        description: true,
        dueAt: true,
        readingState: true,
        claimedBy: { select: { name: true } },
        routeReason: true,
      },
    }),
  ]);
  return rows.map((s) => {
    const p = computePriority(toPriorityInput(s as PriorityColumns), config, now);
    return {
      id: s.id,
      accessionNumber: s.accessionNumber,
      patientName: s.patientName,
      modalities: s.modalities,
      description: s.description,
      orderPriority: s.orderPriority,
      patientLocation: s.patientLocation,
      dueAt: p.dueAt,
      overdue: p.dueAt < now,
      override: s.overrideKind
        ? { kind: s.overrideKind, minutes: s.overrideMinutes, reason: s.overrideReason, by: s.overrideBy?.name ?? null }
        : null,
      claimedBy: s.readingState === "CLAIMED" ? (s.claimedBy?.name ?? null) : null,
      // Which reading group routing sent it to comes first, so a scheduler sees whose list it is on.
      reasons: s.routeReason ? [s.routeReason, ...p.reasons] : p.reasons,
    };
  });
}

import type { Db } from "../db/client";
import { getRoutingConfig } from "../core/settings";
import { rankedOpenStudiesSql } from "../worklist/reading-order-sql";
import { FORECAST_WINDOW_HOURS } from "./clearance-forecast";

export type GroupForecast = {
  group: string;
  label: string;
  open: number;
  /** Reads of the group's studies in the window; 0 means no rate to forecast from. */
  readsInWindow: number;
  readsPerHour: number;
  /** When the group's last open study would be read at that rate; null without a rate. */
  clearsAt: Date | null;
  /** Open studies that would be read after their due time; null without a rate. */
  late: number | null;
};

/**
 * The clearance forecast per reading group: each group's open studies in the worklist's order,
 * read at the rate its own studies were read in the last FORECAST_WINDOW_HOURS (whoever read them:
 * members, or overflow readers). Overflow into a group from elsewhere is not modelled. Empty when
 * routing is off (no groups). Ranked in SQL (rankedOpenStudiesSql), partitioned by group.
 */
export async function clearanceForecastByGroup(db: Db, now: Date): Promise<GroupForecast[]> {
  const { groups } = await getRoutingConfig(db);
  if (groups.length === 0) return [];
  const since = new Date(now.getTime() - FORECAST_WINDOW_HOURS * 3600_000);
  const reads = await db.$queryRaw<{ group: string; n: bigint }[]>`
    SELECT "routedGroup" AS group, count(*) AS n FROM "Study"
     WHERE "readAt" > ${since} AND "readAt" <= ${now} AND "routedGroup" IS NOT NULL GROUP BY 1`;
  const readsOf = new Map(reads.map((r) => [r.group, Number(r.n)]));
  // Minutes per read for each group with reads; a group without reads has no rate and no late count.
  const rated = reads.map((r) => r.group);
  const minutesPerRead = reads.map((r) => (FORECAST_WINDOW_HOURS * 60) / Number(r.n));
  const rows = await db.$queryRaw<{ group: string; open: bigint; late: bigint | null; last: bigint }[]>`
    ${rankedOpenStudiesSql(now, true)}, rate AS (
      SELECT * FROM unnest(${rated}::text[], ${minutesPerRead}::float8[]) AS x(g, "minutesPerRead")
    )
    SELECT r.g AS group, count(*) AS open, max(r.k) AS last,
           -- The k-th study is read k × minutes per read from now.
           CASE WHEN max(rt."minutesPerRead") IS NOT NULL THEN count(*) FILTER (
             WHERE ${now}::timestamp + r.k * rt."minutesPerRead" * interval '1 minute' > r."dueAt") END AS late
      FROM ranked r LEFT JOIN rate rt ON rt.g = r.g
     GROUP BY r.g`;
  const byGroup = new Map(rows.map((r) => [r.group, r]));
  // Every configured group, in the site's order (a quiet one shows 0 open); then any other group studies are routed to.
  const keys = [
    ...groups.map((g) => g.key),
    ...rows.map((r) => r.group).filter((g) => !groups.some((x) => x.key === g)),
  ];
  return keys.map((key) => {
    const r = byGroup.get(key);
    const readsInWindow = readsOf.get(key) ?? 0;
    const readsPerHour = readsInWindow / FORECAST_WINDOW_HOURS;
    const open = Number(r?.open ?? 0);
    return {
      group: key,
      label: groups.find((g) => g.key === key)?.label ?? (key === "" ? "not routed yet" : key),
      open,
      readsInWindow,
      readsPerHour,
      clearsAt:
        readsInWindow > 0 ? new Date(now.getTime() + (Number(r?.last ?? 0) * 60 * 60_000) / readsPerHour) : null,
      late: readsInWindow > 0 ? Number(r?.late ?? 0) : null,
    };
  });
}

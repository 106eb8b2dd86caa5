import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { computePriorityKey } from "@/lib/priority/engine";
import type { PriorityConfig } from "@/lib/priority/sla";
import { priorityColumns, toPriorityInput, type PriorityColumns } from "./priority-input";
import { getPriorityConfig, getRoutingConfig, getRvuTable } from "../core/settings";
import { workRvu } from "@/lib/routing/rvu";
import type { RoutingConfig } from "@/lib/routing/routing-config";
import { routeStudy } from "@/lib/routing/route-study";
import { ageInYears } from "@/lib/worklist-filters";

type Tx = Prisma.TransactionClient | Db;

const routingColumns = {
  sourceId: true,
  modalities: true,
  bodyPart: true,
  description: true,
  procedureCode: true,
  institutionName: true,
  patientBirthDate: true,
} as const;

/**
 * Stores the engine's clock-free key (due time, pin, cap time) for the given studies so
 * the worklist orders in SQL exactly as comparePriorityAt does (both built from lib/priority/reading-order.ts),
 * and the reading group the routing rules send each to (lib/routing), which eligibility filters on
 * ('' while routing is off: "not routed", which waits for the default group; not NULL, which
 * read studies from before routing have, so the planner's estimate for it stays small).
 */
export async function refreshPriorities(
  tx: Tx,
  studyIds: string[],
  config?: PriorityConfig,
  routing?: RoutingConfig,
  now = new Date(),
): Promise<void> {
  if (studyIds.length === 0) return;
  const cfg = config ?? (await getPriorityConfig(tx as Db));
  const rules = routing ?? (await getRoutingConfig(tx as Db));
  const rvu = await getRvuTable(tx as Db);
  const rows = await tx.study.findMany({
    where: { id: { in: studyIds }, readingState: { in: ["UNREAD", "CLAIMED"] } },
    select: { ...priorityColumns, ...routingColumns },
  });
  if (rows.length === 0) return;
  // One UPDATE for the whole batch rather than a round trip per study.
  const values = rows.map((row) => {
    const key = computePriorityKey(toPriorityInput(row as PriorityColumns), cfg);
    const route = routeStudy(rules, {
      modalities: row.modalities,
      bodyPart: row.bodyPart,
      description: row.description,
      procedureCode: row.procedureCode,
      institutionName: row.institutionName,
      ageYears: ageInYears(row.patientBirthDate, now),
      sourceId: row.sourceId,
    });
    return Prisma.sql`(${row.id}, ${key.dueAt}::timestamp, ${key.pinnedAt}::timestamp, ${key.capAt}::timestamp, ${route?.group ?? ""}::text, ${route?.reason ?? null}::text, ${workRvu(rvu, row)}::float8)`;
  });
  await tx.$executeRaw`
    UPDATE "Study" s SET "dueAt" = v.due, "pinnedAt" = v.pinned, "capAt" = v.cap, "routedGroup" = v.grp, "routeReason" = v.why, "workRvu" = v.rvu
    FROM (VALUES ${Prisma.join(values)}) AS v(id, due, pinned, cap, grp, why, rvu) WHERE s.id = v.id`;
}

/** Recomputes every open study, in batches (after the SLA table, the cap or the routing rules change). */
export async function refreshAllOpenPriorities(
  db: Db,
  config?: PriorityConfig,
  routing?: RoutingConfig,
): Promise<number> {
  const cfg = config ?? (await getPriorityConfig(db));
  const rules = routing ?? (await getRoutingConfig(db));
  let done = 0;
  let cursor: string | undefined;
  for (;;) {
    const batch = await db.study.findMany({
      where: { readingState: { in: ["UNREAD", "CLAIMED"] } },
      select: { id: true },
      orderBy: { id: "asc" },
      take: 500,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
    });
    if (batch.length === 0) return done;
    await db.$transaction((tx) =>
      refreshPriorities(
        tx,
        batch.map((b) => b.id),
        cfg,
        rules,
      ),
    );
    done += batch.length;
    cursor = batch.at(-1)!.id;
  }
}

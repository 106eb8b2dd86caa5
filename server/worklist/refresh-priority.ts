import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { computePriorityKey } from "@/lib/priority/engine";
import type { PriorityConfig } from "@/lib/priority/sla";
import { priorityColumns, toPriorityInput, type PriorityColumns } from "./priority-input";
import { getPriorityConfig } from "../core/settings";

type Tx = Prisma.TransactionClient | Db;

/**
 * Stores the engine's clock-free key (due time, pin, cap time) for the given studies so
 * the worklist orders in SQL exactly as comparePriorityAt does (both built from lib/priority/reading-order.ts).
 */
export async function refreshPriorities(tx: Tx, studyIds: string[], config?: PriorityConfig): Promise<void> {
  if (studyIds.length === 0) return;
  const cfg = config ?? (await getPriorityConfig(tx as Db));
  const rows = (await tx.study.findMany({
    where: { id: { in: studyIds }, readingState: { not: "READ" } },
    select: priorityColumns,
  })) as PriorityColumns[];
  if (rows.length === 0) return;
  // One UPDATE for the whole batch rather than a round trip per study.
  const values = rows.map((row) => {
    const key = computePriorityKey(toPriorityInput(row), cfg);
    return Prisma.sql`(${row.id}, ${key.dueAt}::timestamp, ${key.pinnedAt}::timestamp, ${key.capAt}::timestamp)`;
  });
  await tx.$executeRaw`
    UPDATE "Study" s SET "dueAt" = v.due, "pinnedAt" = v.pinned, "capAt" = v.cap
    FROM (VALUES ${Prisma.join(values)}) AS v(id, due, pinned, cap) WHERE s.id = v.id`;
}

/** Recomputes every open study, in batches (after the SLA table or cap changes). */
export async function refreshAllOpenPriorities(db: Db, config?: PriorityConfig): Promise<number> {
  const cfg = config ?? (await getPriorityConfig(db));
  let done = 0;
  let cursor: string | undefined;
  for (;;) {
    const batch = await db.study.findMany({
      where: { readingState: { not: "READ" } },
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
      ),
    );
    done += batch.length;
    cursor = batch.at(-1)!.id;
  }
}

import type { Db } from "../db/client";
import type { SweepState } from "@/lib/ingest/sweep-due";
import { QUEUE_SCHEMA, SOURCE_SWEEP_QUEUE } from "./queue";

export type PendingSweep = { state: SweepState; startAfter: Date };

const STATE: Record<string, SweepState> = { created: "queued", retry: "retrying", active: "running" };

/**
 * The sweep jobs not yet finished, by source id, read from pg-boss's job table (one indexed
 * query). Before any worker has started, pg-boss's schema does not exist yet: nothing is pending.
 */
export async function pendingSweeps(db: Db): Promise<Map<string, PendingSweep[]>> {
  const [schema] = await db.$queryRawUnsafe<{ exists: boolean }[]>(
    `SELECT to_regclass('${QUEUE_SCHEMA}.job') IS NOT NULL AS exists`,
  );
  const byId = new Map<string, PendingSweep[]>();
  if (!schema?.exists) return byId;
  const rows = await db.$queryRawUnsafe<{ sourceId: string; state: string; startAfter: Date }[]>(
    `SELECT singleton_key AS "sourceId", state::text AS state, start_after AS "startAfter"
       FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state < 'completed'`,
    SOURCE_SWEEP_QUEUE,
  );
  for (const row of rows) {
    const state = STATE[row.state];
    if (!state) continue;
    byId.set(row.sourceId, [...(byId.get(row.sourceId) ?? []), { state, startAfter: row.startAfter }]);
  }
  return byId;
}

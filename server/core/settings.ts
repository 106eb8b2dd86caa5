import { z } from "zod";
import type { Db, Prisma } from "../db/client";
import { DEFAULT_PRIORITY_CONFIG, priorityConfigSchema, type PriorityConfig } from "@/lib/priority/sla";
import { sharedReadCache } from "./shared-read-cache";
import { recordAudit } from "./audit";
import { ROUTING_OFF, routingConfigSchema, type RoutingConfig } from "@/lib/routing/routing-config";
import { rvuTableSchema, STARTER_RVU_TABLE, type RvuTable } from "@/lib/routing/rvu";
import { DEFAULT_DRIFT_BANDS, driftBandsSchema, type DriftBands } from "@/lib/models/drift";

export { priorityConfigSchema };

export const worklistRulesSchema = z.object({
  /** A claim lapses after this many minutes without a heartbeat from the open case. */
  claimTimeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /** A skipped study is hidden from the radiologist who skipped it for this long. */
  skipHideMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /** Claiming a study below this rank needs a reason (audited). */
  claimTopN: z.number().int().min(1).max(1000),
  /** Viewer launch URL; {StudyInstanceUID}, {AccessionNumber} and {PatientID} are filled in. */
  viewerUrlTemplate: z.string().min(1).max(2000),
});
export type WorklistRules = z.infer<typeof worklistRulesSchema>;

export const DEFAULT_WORKLIST_RULES: WorklistRules = {
  claimTimeoutMinutes: 15,
  skipHideMinutes: 30,
  claimTopN: 5,
  viewerUrlTemplate: "http://localhost:3001/viewer?StudyInstanceUIDs={StudyInstanceUID}",
};

/** Workers LISTEN here: a saved setting's key is sent on commit (the priority table moves open studies' due times). */
export const SETTINGS_CHANNEL = "readnext_settings";

// Settings are read on every worklist request and change rarely: keep them a few seconds.
// A change made in this process clears the cache at once; other processes follow within
// five seconds. When a key is due, requests arriving together share one read.
const cache = sharedReadCache<unknown>({ freshMs: 5_000 });

/** Forgets every cached setting (tests, after emptying the database under a running process). */
export function forgetSettings(): void {
  cache.forget();
}

async function read<T>(db: Db, key: string, schema: z.ZodType<T>, fallback: T, fresh = false): Promise<T> {
  const load = async () => {
    const row = await db.appSetting.findUnique({ where: { key } });
    const parsed = row ? schema.safeParse(row.value) : null;
    return parsed?.success ? parsed.data : fallback;
  };
  return cache.get(key, load, { fresh }) as Promise<T>;
}

export const getPriorityConfig = (db: Db, options: { fresh?: boolean } = {}): Promise<PriorityConfig> =>
  read(db, "priority", priorityConfigSchema, DEFAULT_PRIORITY_CONFIG, options.fresh);
export const getWorklistRules = (db: Db): Promise<WorklistRules> =>
  read(db, "worklist", worklistRulesSchema, DEFAULT_WORKLIST_RULES);

/** Reading groups, routing rules, the default and overflow groups (lib/routing); no groups: routing off. */
export const getRoutingConfig = (db: Db, options: { fresh?: boolean } = {}): Promise<RoutingConfig> =>
  read(db, "routing", routingConfigSchema, ROUTING_OFF, options.fresh);

/** Work RVUs by modality and body part; the starter table until a site saves its own. */
export const getRvuTable = (db: Db, options: { fresh?: boolean } = {}): Promise<RvuTable> =>
  read(db, "rvu", rvuTableSchema, STARTER_RVU_TABLE, options.fresh);

/** When a model version's figures raise a drift alert (lib/models/drift.ts). */
export const getDriftBands = (db: Db, options: { fresh?: boolean } = {}): Promise<DriftBands> =>
  read(db, "drift", driftBandsSchema, DEFAULT_DRIFT_BANDS, options.fresh);

export async function saveSetting(
  db: Db,
  actorId: string,
  key: "priority" | "worklist" | "routing" | "rvu" | "drift",
  value: PriorityConfig | WorklistRules | RoutingConfig | RvuTable | DriftBands,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const json = value as unknown as Prisma.InputJsonObject;
    await tx.appSetting.upsert({
      where: { key },
      create: { key, value: json, updatedById: actorId },
      update: { value: json, updatedById: actorId },
    });
    await recordAudit(tx, { actorId, action: `settings.${key}`, details: json });
    await tx.$executeRaw`SELECT pg_notify(${SETTINGS_CHANNEL}, ${key})`;
  });
  cache.forget(key);
}

import { TRPCError } from "@trpc/server";
import type { Db } from "../db/client";
import { recordAudit } from "../core/audit";

/** Every model version a worker has found, with its state and the last day's figures. */
export async function listModels(db: Db) {
  const models = await db.aiModel.findMany({ orderBy: [{ modelId: "asc" }, { version: "desc" }] });
  const stats = await db.$queryRaw<
    {
      modelId: string;
      modelVersion: string;
      scored: bigint;
      critical: bigint;
      failed: bigint;
      notApplicable: bigint;
      p50: number | null;
      p95: number | null;
      confirmed: bigint;
      dismissed: bigint;
    }[]
  >`
    SELECT r."modelId", r."modelVersion",
      count(*) FILTER (WHERE r.status = 'SCORED') AS scored,
      count(*) FILTER (WHERE r.critical) AS critical,
      count(*) FILTER (WHERE r.status = 'FAILED') AS failed,
      count(*) FILTER (WHERE r.status = 'NOT_APPLICABLE') AS "notApplicable",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY (r.timings->>'totalMs')::float) AS p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY (r.timings->>'totalMs')::float) AS p95,
      (SELECT count(*) FROM "AiFeedback" f JOIN "AiResult" x ON x.id = f."aiResultId" WHERE x."modelId" = r."modelId" AND x."modelVersion" = r."modelVersion" AND x."createdAt" > now() - interval '24 hours' AND f.verdict = 'confirmed') AS confirmed,
      (SELECT count(*) FROM "AiFeedback" f JOIN "AiResult" x ON x.id = f."aiResultId" WHERE x."modelId" = r."modelId" AND x."modelVersion" = r."modelVersion" AND x."createdAt" > now() - interval '24 hours' AND f.verdict = 'dismissed') AS dismissed
    FROM "AiResult" r WHERE r."createdAt" > now() - interval '24 hours'
    GROUP BY r."modelId", r."modelVersion"`;
  const byKey = new Map(stats.map((s) => [`${s.modelId}@${s.modelVersion}`, s]));
  return models.map((m) => {
    const s = byKey.get(`${m.modelId}@${m.version}`);
    const manifest = m.manifest as {
      intendedUse?: string;
      outputs?: { displayName?: string; criticalThreshold?: number; urgentThreshold?: number }[];
      operatingPoint?: { sensitivity: number; specificity: number; measuredOn: string };
      notForClinicalUse?: boolean;
    };
    const output = manifest.outputs?.[0];
    return {
      id: m.id,
      modelId: m.modelId,
      version: m.version,
      enabled: m.enabled,
      mode: m.mode,
      loadError: m.loadError,
      lastLoadedAt: m.lastLoadedAt,
      finding: output?.displayName ?? null,
      intendedUse: manifest.intendedUse ?? null,
      notForClinicalUse: manifest.notForClinicalUse ?? null,
      operatingPoint: manifest.operatingPoint ?? null,
      manifestThresholds: { critical: output?.criticalThreshold ?? null, urgent: output?.urgentThreshold ?? null },
      siteThresholds: { critical: m.criticalThreshold, urgent: m.urgentThreshold },
      last24h: {
        scored: Number(s?.scored ?? 0),
        critical: Number(s?.critical ?? 0),
        failed: Number(s?.failed ?? 0),
        notApplicable: Number(s?.notApplicable ?? 0),
        p50Ms: s?.p50 ?? null,
        p95Ms: s?.p95 ?? null,
        confirmed: Number(s?.confirmed ?? 0),
        dismissed: Number(s?.dismissed ?? 0),
      },
    };
  });
}

async function findModel(db: Db, id: string) {
  const model = await db.aiModel.findUnique({ where: { id } });
  if (!model) throw new TRPCError({ code: "NOT_FOUND", message: "No such model" });
  return model;
}

/** Enables or disables a model version for scoring; workers pick it up within seconds. */
export async function setModelEnabled(db: Db, actorId: string, id: string, enabled: boolean) {
  const model = await findModel(db, id);
  if (enabled && model.loadError)
    throw new TRPCError({
      code: "CONFLICT",
      message: `${model.modelId} ${model.version} was refused by the workers: ${model.loadError}`,
    });
  return db.$transaction(async (tx) => {
    const updated = await tx.aiModel.update({ where: { id }, data: { enabled } });
    await recordAudit(tx, {
      actorId,
      action: enabled ? "model.enabled" : "model.disabled",
      details: { modelId: model.modelId, version: model.version },
    });
    return updated;
  });
}

/**
 * Site thresholds for a model's finding, in place of the manifest's (null: back to the
 * manifest). Audited with the old and new values; applies to studies scored from now on.
 */
export async function setModelThresholds(
  db: Db,
  actorId: string,
  id: string,
  thresholds: { critical: number | null; urgent: number | null },
) {
  const model = await findModel(db, id);
  const manifest = model.manifest as { outputs?: { criticalThreshold?: number }[] };
  const critical = thresholds.critical ?? manifest.outputs?.[0]?.criticalThreshold ?? 1;
  if (thresholds.urgent !== null && thresholds.urgent >= critical) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `The urgent threshold (${thresholds.urgent}) must be below the critical threshold (${critical})`,
    });
  }
  return db.$transaction(async (tx) => {
    const updated = await tx.aiModel.update({
      where: { id },
      data: { criticalThreshold: thresholds.critical, urgentThreshold: thresholds.urgent },
    });
    await recordAudit(tx, {
      actorId,
      action: "model.thresholds",
      details: {
        modelId: model.modelId,
        version: model.version,
        from: { critical: model.criticalThreshold, urgent: model.urgentThreshold },
        to: thresholds,
      },
    });
    return updated;
  });
}

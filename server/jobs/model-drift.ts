import type PgBoss from "pg-boss";
import type { Db } from "../db/client";
import { log } from "../log";
import { DRIFT_CHECK_QUEUE, DRIFT_WEBHOOK_QUEUE, type DriftWebhookJobData } from "../core/queues";
import { checkModelDrift } from "../models/model-drift";
import { postWebhook } from "../scoring/critical-webhook";
import { WEBHOOK_JOB_OPTIONS } from "./queue";

/** Every 5 minutes (pg-boss's cron: one job per tick across all workers). */
export const DRIFT_CHECK_CRON = "*/5 * * * *";

/**
 * Drift monitoring: a scheduled check opens and closes alerts (server/models/model-drift.ts);
 * each alert that opens is logged and, with a webhook configured, posted to it once (retried
 * like critical findings).
 */
export async function startDriftMonitoring(
  db: Db,
  boss: PgBoss,
  webhook: { url: string; secret: string; appUrl: string } | null,
): Promise<{ stop(): Promise<void> }> {
  await boss.schedule(DRIFT_CHECK_QUEUE, DRIFT_CHECK_CRON);
  await boss.work(DRIFT_CHECK_QUEUE, { batchSize: 1, pollingIntervalSeconds: 5 }, async () => {
    const opened = await checkModelDrift(db);
    log.info({ opened: opened.length }, "drift check");
    for (const alert of opened) {
      log.warn(
        { model: alert.modelId, version: alert.version, kind: alert.kind, message: alert.message },
        "model drift alert",
      );
      if (webhook)
        await boss.send(DRIFT_WEBHOOK_QUEUE, { alertId: alert.id } satisfies DriftWebhookJobData, WEBHOOK_JOB_OPTIONS);
    }
  });
  if (webhook)
    await boss.work<DriftWebhookJobData>(
      DRIFT_WEBHOOK_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: 2 },
      async ([job]) => {
        if (job) await sendDriftWebhook(db, webhook, job.data.alertId);
      },
    );
  return {
    async stop() {
      await boss.offWork(DRIFT_CHECK_QUEUE);
      if (webhook) await boss.offWork(DRIFT_WEBHOOK_QUEUE);
    },
  };
}

/** One drift alert to the webhook, as event "model-drift". */
export async function sendDriftWebhook(
  db: Db,
  config: { url: string; secret: string; appUrl: string },
  alertId: string,
): Promise<"sent" | "gone"> {
  const alert = await db.modelDriftAlert.findUnique({ where: { id: alertId } });
  if (!alert) return "gone";
  const body = JSON.stringify({
    event: "model-drift",
    alertId: alert.id,
    at: alert.openedAt.toISOString(),
    model: { id: alert.modelId, version: alert.modelVersion },
    kind: alert.kind,
    message: alert.message,
    value: alert.value,
    limit: alert.limit,
    modelsUrl: `${config.appUrl.replace(/\/$/, "")}/models#${alert.modelId}`,
  });
  await postWebhook(config, "model-drift", body);
  return "sent";
}

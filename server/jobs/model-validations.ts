import type PgBoss from "pg-boss";
import type { Db } from "../db/client";
import { log } from "../log";
import { repeatedFailureLog } from "../repeated-failure-log";
import { VALIDATION_QUEUE, type ValidationJobData } from "../core/queues";
import type { ModelRegistry } from "../models/model-registry";
import { runValidation } from "../models/local-validation";
import { validationJobOptions } from "./queue";

const WATCH_EVERY_MS = 2_000;
const SLICE_MS = 60_000;

/**
 * Local validations started on the admin page: every 2 s each worker queues a job for each
 * unfinished run (one per run at a time); a job scores the run's rows for about a minute and
 * the next one goes on. Runs started by `models:validate-local` are the CLI's own.
 */
export async function startModelValidations(db: Db, boss: PgBoss, registry: ModelRegistry) {
  await boss.work<ValidationJobData>(VALIDATION_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
    if (!job) return;
    const run = await db.modelValidation.findUnique({ where: { id: job.data.validationId } });
    if (!run || run.runBy !== "worker" || run.status === "DONE" || run.status === "FAILED") return;
    const model = registry.loaded.find((m) => m.manifest.id === run.modelId && m.manifest.version === run.modelVersion);
    if (!model) {
      await db.modelValidation.update({
        where: { id: run.id },
        data: {
          status: "FAILED",
          finishedAt: new Date(),
          error: `the worker has no ${run.modelId} ${run.modelVersion} in its models folder`,
        },
      });
      return;
    }
    const outcome = await runValidation(db, run.id, model, { deadline: Date.now() + SLICE_MS });
    log.info({ validation: run.id, model: run.modelId, version: run.modelVersion, outcome }, "validation slice");
  });
  const failures = repeatedFailureLog("validation watch");
  const watch = async () => {
    try {
      const runs = await db.modelValidation.findMany({
        where: { runBy: "worker", status: { in: ["QUEUED", "RUNNING"] } },
        select: { id: true },
      });
      for (const run of runs)
        await boss.send(
          VALIDATION_QUEUE,
          { validationId: run.id } satisfies ValidationJobData,
          validationJobOptions(run.id),
        );
      failures.succeeded();
    } catch (error) {
      failures.failed(error);
    }
  };
  const timer = setInterval(() => void watch(), WATCH_EVERY_MS);
  await watch();
  return {
    async stop() {
      clearInterval(timer);
      await boss.offWork(VALIDATION_QUEUE);
    },
  };
}

import type { Db } from "../db/client";
import { env } from "../env";
import { log } from "../log";
import { repeatedFailureLog } from "../repeated-failure-log";
import { listenToChannels } from "../db/listen";
import { REVISIONS_CHANNEL } from "../ingest/revisions";
import { AdapterCache } from "../scoring/adapter-cache";
import { sendCriticalWebhook } from "../scoring/critical-webhook";
import { dispatchScoring } from "../scoring/dispatch-scoring";
import { ModelRegistry } from "../models/model-registry";
import type PgBoss from "pg-boss";
import {
  JOBS_CHANNEL,
  SCORE_FAILED_QUEUE,
  SCORE_QUEUE,
  SHADOW_SCORE_QUEUE,
  WEBHOOK_QUEUE,
  RESULT_SR_QUEUE,
  type ResultSrJobData,
  type ScoreJobData,
  type WebhookJobData,
} from "../core/queues";
import { resultSrJobOptions, scoreJobOptions, WEBHOOK_JOB_OPTIONS } from "./queue";
import { wantsWriteBack, writeResultBack } from "../results/write-back";
import { isTransient, scoreStudy, withTimeout } from "../scoring/score-study";
import { storeAiResult } from "../scoring/store-result";

const DISPATCH_EVERY_MS = 2_000;

/**
 * The scoring half of a worker process: loads the models, queues score jobs for new
 * study revisions, runs them (SCORING_CONCURRENCY at a time), records final failures,
 * and sends critical-finding webhooks. Jobs live in Postgres (pg-boss), so any number
 * of workers on any number of machines share them and each job is done once.
 * `stop` ends dispatch; the caller stops the queue (letting running jobs finish), then `release`s the models.
 */
export async function startScoring(
  db: Db,
  boss: PgBoss,
  databaseUrl: string,
): Promise<{ stop(): Promise<void>; release(): Promise<void>; registry: ModelRegistry }> {
  const e = env();
  const registry = await ModelRegistry.load(e.MODELS_DIR, {
    threads: e.SCORING_THREADS,
    executionProvider: e.SCORING_EXECUTION_PROVIDER,
  });
  await registry.record(db, e.NEW_MODEL_MODE);
  await registry.refreshActive(db);
  const deps = { db, registry, adapters: new AdapterCache(db) };
  const timeoutMs = e.SCORING_JOB_TIMEOUT_SECONDS * 1000;
  const webhook =
    e.CRITICAL_WEBHOOK_URL && e.CRITICAL_WEBHOOK_SECRET
      ? { url: e.CRITICAL_WEBHOOK_URL, secret: e.CRITICAL_WEBHOOK_SECRET, appUrl: e.BETTER_AUTH_URL }
      : null;

  // One score job, live or shadow. A shadow result never pages anyone nor goes back to the PACS.
  const runScoreJob = async (job: { data: ScoreJobData }) => {
    try {
      const result = await withTimeout(scoreStudy(deps, job.data), timeoutMs);
      log.info(
        { study: job.data.studyId, model: job.data.modelId, shadow: job.data.shadow, ...result },
        "score job done",
      );
      if (result.outcome !== "stored" || job.data.shadow) return;
      if (result.critical && webhook)
        await boss.send(WEBHOOK_QUEUE, { aiResultId: result.aiResultId } satisfies WebhookJobData, WEBHOOK_JOB_OPTIONS);
      if (await wantsWriteBack(db, result.aiResultId))
        await boss.send(
          RESULT_SR_QUEUE,
          { aiResultId: result.aiResultId } satisfies ResultSrJobData,
          resultSrJobOptions(result.aiResultId),
        );
    } catch (error) {
      if (isTransient(error)) {
        log.warn(
          { study: job.data.studyId, model: job.data.modelId, err: (error as Error).message },
          "score job failed; the queue will retry",
        );
        throw error;
      }
      // A bug or an unexpected error: recorded rather than retried forever; the study keeps its order priority.
      log.error({ study: job.data.studyId, model: job.data.modelId, err: (error as Error).stack }, "score job failed");
      await storeAiResult(db, job.data, { status: "FAILED", reason: (error as Error).message });
    }
  };
  const workerIds: string[] = [];
  for (let i = 0; i < e.SCORING_CONCURRENCY; i++) {
    workerIds.push(
      await boss.work<ScoreJobData>(SCORE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
        if (job) await runScoreJob(job);
      }),
    );
  }
  for (let i = 0; i < e.SHADOW_SCORING_CONCURRENCY; i++) {
    workerIds.push(
      await boss.work<ScoreJobData>(SHADOW_SCORE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
        if (job) await runScoreJob(job);
      }),
    );
  }

  // Retries used up, or the job's worker died every time: the study says why AI is unavailable.
  await boss.work<ScoreJobData>(
    SCORE_FAILED_QUEUE,
    { batchSize: 5, pollingIntervalSeconds: 2, includeMetadata: true },
    async (jobs) => {
      for (const job of jobs) {
        const output = job.output as { message?: string; value?: { message?: string } } | null;
        const why = output?.value?.message ?? output?.message ?? "the job did not finish";
        await storeAiResult(db, job.data, { status: "FAILED", reason: `gave up after retries: ${why}` });
      }
    },
  );

  if (webhook) {
    await boss.work<WebhookJobData>(WEBHOOK_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
      if (job) await sendCriticalWebhook(db, webhook, job.data.aiResultId);
    });
  }

  // AI results back to the PACS as DICOM SR; a failure throws, and pg-boss retries it with backoff.
  await boss.work<ResultSrJobData>(RESULT_SR_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
    if (!job) return;
    const outcome = await writeResultBack(db, job.data.aiResultId);
    log.info({ aiResult: job.data.aiResultId, outcome }, "result write-back");
  });

  const pokeWorkers = () => workerIds.forEach((id) => boss.notifyWorker(id));
  const send = async (job: ScoreJobData) => {
    await boss.send(job.shadow ? SHADOW_SCORE_QUEUE : SCORE_QUEUE, job, scoreJobOptions(job));
  };

  const dispatchFailures = repeatedFailureLog("scoring dispatch");
  let dispatching: Promise<void> | null = null;
  let again = false;
  const dispatch = (): Promise<void> => {
    if (dispatching) {
      again = true;
      return dispatching;
    }
    dispatching = (async () => {
      do {
        again = false;
        const models = await registry.refreshActive(db);
        const { queued } = await dispatchScoring(db, models, send);
        if (queued > 0) {
          pokeWorkers();
          await db.$executeRaw`SELECT pg_notify(${JOBS_CHANNEL}, '')`;
        }
      } while (again);
      dispatchFailures.succeeded();
    })()
      .catch((error: unknown) => dispatchFailures.failed(error))
      .finally(() => {
        dispatching = null;
      });
    return dispatching;
  };

  const listener = listenToChannels(
    databaseUrl,
    [REVISIONS_CHANNEL, JOBS_CHANNEL],
    (channel) => (channel === JOBS_CHANNEL ? pokeWorkers() : void dispatch()),
    "readnext-worker-listen",
  );
  const timer = setInterval(() => void dispatch(), DISPATCH_EVERY_MS);
  await dispatch();
  log.info(
    {
      models: registry.loaded.map((m) => `${m.manifest.id} ${m.manifest.version}`),
      refused: registry.refused.length,
      concurrency: e.SCORING_CONCURRENCY,
    },
    "scoring started",
  );

  return {
    registry,
    async stop() {
      clearInterval(timer);
      listener.stop();
      await dispatching;
    },
    release: () => registry.release(),
  };
}

import { syncTurnaroundRollupZone } from "../department/turnaround-rollup";
import type { Db } from "../db/client";
import { env } from "../env";
import { log } from "../log";
import { refreshAllOpenPriorities } from "../worklist/refresh-priority";
import { startScoring } from "./scoring-jobs";
import type PgBoss from "pg-boss";
import { SOURCE_SWEEP_QUEUE } from "../core/queues";
import { startJobQueue } from "./queue";
import { workSourceSweeps } from "./source-sweeps";
import { startSourceWatch } from "./source-watch";
import { followPrioritySettings } from "./priority-refresh";
import { startWorkerHeartbeat } from "./heartbeat";
import { startShiftSchedule } from "./shift-schedule";
import { startAssignment } from "./assignment";
import { startModelValidations } from "./model-validations";
import { startDriftMonitoring } from "./model-drift";

/**
 * Every kind of background work a worker process does (docs/ARCHITECTURE.md, "Background work",
 * has each one's schedule, retries and singleton rule):
 *
 * pg-boss queues (rules in queue.ts)
 *   source-sweep        QIDO sweep of one PACS source          source-sweeps.ts → ingest/sync-source.ts
 *   score-study         one study revision × one model         scoring-jobs.ts → scoring/score-study.ts
 *   score-study-failed  dead letters: "AI unavailable: why"    scoring-jobs.ts
 *   score-study-shadow  the same, for shadow-mode versions      scoring-jobs.ts (never moves a study)
 *   critical-webhook    signed POST per critical finding       scoring/critical-webhook.ts
 *   result-sr           AI result back to the PACS as SR       results/write-back.ts
 *   model-validation    ~1 min slice of a local validation     model-validations.ts → models/local-validation.ts
 *   model-drift-check   every 5 min (pg-boss schedule)         model-drift.ts → models/model-drift.ts
 *   model-drift-webhook signed POST per drift alert opened     model-drift.ts
 * loops and listeners pg-boss cannot replace
 *   source-watch        change feeds every 250 ms; queues due sweeps        source-watch.ts
 *   scoring dispatch    NOTIFY readnext_revisions (+ every 2 s)             scoring-jobs.ts
 *   priority refresh    NOTIFY readnext_settings; at start; on reconnect    priority-refresh.ts
 *   push assignment     NOTIFY readnext_worklist / _settings (+ every 2 s)  assignment.ts → assignment/assign-studies.ts
 *   heartbeat           every 5 s                                           heartbeat.ts
 *   validation watch    every 2 s: a job per unfinished validation run      model-validations.ts
 */

/** The ingest half: this process runs sweep jobs and the source-watch loop. */
export async function startIngestJobs(db: Db, boss: PgBoss, options: { tickMs?: number; workerId?: string } = {}) {
  await workSourceSweeps(db, boss, options.workerId);
  const watch = startSourceWatch(db, boss, options);
  return {
    async stop() {
      await watch.stop();
      await boss.offWork(SOURCE_SWEEP_QUEUE);
    },
  };
}

/** Starts all of it in this process; `stop` lets running jobs finish (up to 30 s), then releases the models. */
export async function startBackgroundWork(db: Db, databaseUrl: string) {
  const e = env();
  // Due times follow the current SLA table, including changes made while no worker ran.
  log.info({ studies: await refreshAllOpenPriorities(db) }, "priorities refreshed");
  const boss = await startJobQueue(databaseUrl, { maintenanceSeconds: e.QUEUE_MAINTENANCE_SECONDS });
  const scoring = await startScoring(db, boss, databaseUrl);
  // Before the sweeps: a sweep records this heartbeat as its runner (failOrphanedSweeps).
  const heartbeat = await startWorkerHeartbeat(db, {
    concurrency: e.SCORING_CONCURRENCY,
    models: scoring.registry.loaded.map((m) => `${m.manifest.id} ${m.manifest.version}`),
  });
  const ingest = await startIngestJobs(db, boss, { tickMs: e.INGEST_TICK_MS, workerId: heartbeat.id });
  const priorities = followPrioritySettings(db, databaseUrl);
  // A settings change saved from now on reaches this worker: it listens before it says it started.
  await priorities.ready;
  const assignment = startAssignment(db, databaseUrl);
  const shifts = startShiftSchedule(db, e.DEPARTMENT_TIME_ZONE);
  // The chair's turnaround rollup counts department days: recount it if the zone changed. In the
  // background: the chair's figures are exact (slower) until it is done.
  void syncTurnaroundRollupZone(db, e.DEPARTMENT_TIME_ZONE).then(
    (rebuilt) =>
      rebuilt &&
      log.info({ timeZone: e.DEPARTMENT_TIME_ZONE }, "turnaround rollup recounted in the department's time zone"),
    (error: unknown) =>
      log.error({ err: error }, "turnaround rollup recount failed; the chair's turnaround stays exact"),
  );
  const validations = await startModelValidations(db, boss, scoring.registry);
  const drift = await startDriftMonitoring(
    db,
    boss,
    e.CRITICAL_WEBHOOK_URL && e.CRITICAL_WEBHOOK_SECRET
      ? { url: e.CRITICAL_WEBHOOK_URL, secret: e.CRITICAL_WEBHOOK_SECRET, appUrl: e.BETTER_AUTH_URL }
      : null,
  );
  return {
    async stop() {
      await heartbeat.stop();
      await ingest.stop();
      priorities.stop();
      await shifts.stop();
      await assignment.stop();
      await validations.stop();
      await drift.stop();
      await scoring.stop();
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
      await scoring.release();
    },
  };
}

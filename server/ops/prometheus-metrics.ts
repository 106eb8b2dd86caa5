import { Counter, Gauge, Registry, type Metric } from "prom-client";
import { cumulativeHistogram } from "@/lib/ops/verdict-lag";
import type { Db } from "../db/client";
import { WEBHOOK_QUEUE } from "../core/queues";
import { queueCounts, scoringTotals } from "./scoring-status";
import { workerPresence } from "./worker-presence";
import { openDriftAlerts } from "../models/model-drift";

/**
 * Prometheus metrics, read from Postgres at scrape time: the queue and the results are
 * shared by every worker process, so one scrape of any web server sees them all.
 */
export function buildMetricsRegistry(db: Db): Registry {
  const registry = new Registry();
  // Built per scrape, so one totals query serves every metric that reads it.
  let totals: ReturnType<typeof scoringTotals> | null = null;
  const readTotals = () => (totals ??= scoringTotals(db));

  new Gauge({
    name: "readnext_score_jobs",
    help: "Score jobs by state (created = waiting, retry = waiting after a failure, active = running).",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const counts = await queueCounts(db);
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: "readnext_webhook_jobs",
    help: "Critical-finding webhook deliveries by state (retry = the receiver failed and it will be tried again; failed = gave up).",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const counts = await queueCounts(db, WEBHOOK_QUEUE);
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  new Counter({
    name: "readnext_ai_results_total",
    help: "Stored AI results by model, version and status (SCORED, NOT_APPLICABLE, FAILED).",
    labelNames: ["model", "version", "status"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const t of await readTotals())
        this.inc({ model: t.modelId, version: t.modelVersion, status: t.status }, t.results);
    },
  });
  new Counter({
    name: "readnext_scoring_seconds_total",
    help: "Time spent scoring, by model and phase (fetch over WADO-RS, decode and preprocessing, inference, total).",
    labelNames: ["model", "version", "phase"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const t of await readTotals()) {
        for (const phase of ["fetch", "decode", "inference", "total"] as const) {
          this.inc({ model: t.modelId, version: t.modelVersion, phase }, t[`${phase}Ms`] / 1000);
        }
      }
    },
  });
  registry.registerMetric(verdictLagHistogram(db));
  new Gauge({
    name: "readnext_open_studies",
    help: "Unread studies on the worklist, by AI status (pending = not scored yet).",
    labelNames: ["ai"],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.$queryRaw<
        { ai: string | null; n: bigint }[]
      >`SELECT "aiStatus"::text AS ai, count(*) AS n FROM "Study" WHERE "dueAt" IS NOT NULL GROUP BY 1`;
      for (const r of rows) this.set({ ai: r.ai ?? "pending" }, Number(r.n));
    },
  });
  new Gauge({
    name: "readnext_model_drift_alerts",
    help: "Open AI drift alerts by model, version and kind (flag-rate, score-shift, failures, not-applicable, ppv, slow): alert on any.",
    labelNames: ["model", "version", "kind"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const a of await openDriftAlerts(db))
        this.set({ model: a.modelId, version: a.modelVersion, kind: a.kind }, 1);
    },
  });
  new Gauge({
    name: "readnext_model_flag_rate_24h",
    help: "Share of studies a model version flagged (critical or urgent) among those it scored in the last 24 hours.",
    labelNames: ["model", "version", "mode"],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.$queryRaw<
        { model: string; version: string; mode: string; scored: bigint; flagged: bigint }[]
      >`
        SELECT r."modelId" AS model, r."modelVersion" AS version, coalesce(m.mode::text, 'LIVE') AS mode,
          count(*) AS scored, count(*) FILTER (WHERE r.critical OR r.urgent) AS flagged
        FROM "AiResult" r LEFT JOIN "AiModel" m ON m."modelId" = r."modelId" AND m.version = r."modelVersion"
        WHERE r.status = 'SCORED' AND r."createdAt" > now() - interval '24 hours'
        GROUP BY 1, 2, 3`;
      for (const r of rows)
        this.set(
          { model: r.model, version: r.version, mode: r.mode.toLowerCase() },
          Number(r.flagged) / Number(r.scored),
        );
    },
  });
  new Gauge({
    name: "readnext_workers_alive",
    help: "Worker processes heard from in the last 30 s (0 = no PACS sync and no AI scoring: alert on it).",
    registers: [registry],
    async collect() {
      this.set((await workerPresence(db)).alive);
    },
  });
  return registry;
}

const LAG = "readnext_arrival_to_verdict_seconds";

/**
 * A histogram whose counts live in the database (VerdictLagBucket, counted with each study's first
 * verdict), so it is the same on every web process: scrape one, or aggregate with max, not sum.
 * prom-client formats it; its own Histogram only counts observations made in this process.
 */
function verdictLagHistogram(db: Db): Metric {
  const metric = {
    name: LAG,
    help: "Lag from a study's arrival to its first AI verdict (critical, urgent, negative or unavailable), since the database was created.",
    type: "histogram",
    aggregator: "max",
    collect: () => undefined,
    async get() {
      const rows = await db.verdictLagBucket.findMany();
      const { buckets, sum, count } = cumulativeHistogram(rows);
      return {
        ...metric,
        values: [
          ...buckets.map(({ le, count }) => ({ metricName: `${LAG}_bucket`, labels: { le }, value: count })),
          { metricName: `${LAG}_sum`, labels: {}, value: sum },
          { metricName: `${LAG}_count`, labels: {}, value: count },
        ],
      };
    },
  };
  return metric as unknown as Metric;
}

"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "../../trpc";

type Model = inferRouterOutputs<AppRouter>["aiModels"]["list"][number];
type Workers = inferRouterOutputs<AppRouter>["aiModels"]["status"]["workers"];

const ms = (v: number | null) => (v === null ? "–" : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`);
const secs = (v: number | null) => (v === null ? "–" : v < 60 ? `${v.toFixed(1)} s` : `${(v / 60).toFixed(1)} min`);

function QueueCard({
  label,
  value,
  tone = "slate",
}: {
  label: string;
  value: number | string;
  tone?: "slate" | "red" | "amber";
}) {
  const colours = { slate: "text-slate-900", red: "text-red-700", amber: "text-amber-700" };
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3">
      <div className="text-xs uppercase text-slate-500">{label}</div>
      <div className={`text-2xl font-semibold tabular-nums ${colours[tone]}`}>{value}</div>
    </div>
  );
}

function ThresholdEditor({ model, onDone }: { model: Model; onDone: () => void }) {
  const trpc = useTRPC();
  const [critical, setCritical] = useState(model.siteThresholds.critical?.toString() ?? "");
  const [urgent, setUrgent] = useState(model.siteThresholds.urgent?.toString() ?? "");
  const save = useMutation(trpc.aiModels.setThresholds.mutationOptions({ onSuccess: onDone }));
  const parse = (v: string) => (v.trim() === "" ? null : Number(v));
  return (
    <form
      className="mt-2 flex flex-wrap items-end gap-2 text-xs"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ id: model.id, critical: parse(critical), urgent: parse(urgent) });
      }}
    >
      <label className="flex flex-col">
        Critical ≥
        <input
          aria-label={`${model.modelId} critical threshold`}
          className="w-20 rounded border border-slate-300 px-1 py-0.5"
          value={critical}
          placeholder={String(model.manifestThresholds.critical ?? "")}
          onChange={(e) => setCritical(e.target.value)}
        />
      </label>
      <label className="flex flex-col">
        Urgent ≥
        <input
          aria-label={`${model.modelId} urgent threshold`}
          className="w-20 rounded border border-slate-300 px-1 py-0.5"
          value={urgent}
          placeholder={String(model.manifestThresholds.urgent ?? "")}
          onChange={(e) => setUrgent(e.target.value)}
        />
      </label>
      <button type="submit" className="rounded bg-slate-800 px-2 py-1 text-white">
        Save thresholds
      </button>
      <span className="text-slate-500">empty = the manifest&apos;s value</span>
      {save.error && (
        <span role="alert" className="text-red-700">
          {save.error.message}
        </span>
      )}
    </form>
  );
}

type WebhookState = {
  configured: boolean;
  target: string | null;
  queue: { created: number; retry: number; active: number; completed: number; failed: number };
  problems: {
    id: string;
    state: string;
    retries: number;
    at: string | Date;
    error: string;
    accessionNumber: string | null;
  }[];
};

/** Where critical findings are paged to, and the deliveries that are retrying or gave up. */
function WebhookPanel({ webhook }: { webhook: WebhookState }) {
  return (
    <div className="mt-3 rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="webhook-status">
      <div className="font-medium">Critical-finding webhook</div>
      {webhook.configured ? (
        <p className="text-slate-700">
          Posting to <span className="font-mono">{webhook.target}</span> · delivered {webhook.queue.completed} · waiting{" "}
          {webhook.queue.created + webhook.queue.active} ·{" "}
          <span className={webhook.queue.retry ? "text-amber-700" : ""}>retrying {webhook.queue.retry}</span> ·{" "}
          <span className={webhook.queue.failed ? "font-medium text-red-700" : ""}>gave up {webhook.queue.failed}</span>{" "}
          (last 7 days)
        </p>
      ) : (
        <p className="text-slate-600">
          Not configured: set CRITICAL_WEBHOOK_URL and CRITICAL_WEBHOOK_SECRET for the workers to page someone on a
          critical finding.
        </p>
      )}
      {webhook.problems.length > 0 && (
        <ul className="mt-2 space-y-1">
          {webhook.problems.map((p) => (
            <li key={p.id} className="text-xs">
              <span className="tabular-nums text-slate-500">{new Date(p.at).toLocaleString()}</span> ·{" "}
              {p.accessionNumber ?? "study gone"} ·{" "}
              <span className={p.state === "failed" ? "font-medium text-red-700" : "text-amber-700"}>
                {p.state === "failed" ? "gave up" : "retrying"} after {p.retries} retr{p.retries === 1 ? "y" : "ies"}
              </span>
              : {p.error}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const ago = (at: Date) => {
  const s = Math.max(0, Math.round((Date.now() - new Date(at).getTime()) / 1000));
  return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : new Date(at).toLocaleString();
};

/** The worker processes: with none alive, nothing is synced from the PACS and nothing is scored. */
function WorkersPanel({ workers }: { workers: Workers }) {
  return (
    <div className="mb-3 space-y-2" data-testid="workers">
      {workers.alive === 0 && (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm font-medium text-red-800">
          No worker is running{workers.lastSeenAt ? ` (last heard from ${ago(workers.lastSeenAt)})` : ""}: studies are
          not synced from the PACS and AI scores nothing. Start one with <code>npm run worker</code>.
        </p>
      )}
      <ul className="space-y-0.5 text-xs text-slate-600">
        {workers.workers.map((w) => (
          <li key={w.id} data-testid="worker" data-alive={w.alive}>
            <span className={w.alive ? "text-emerald-700" : "text-slate-500"}>
              {w.alive ? "● running" : "○ not heard from"}
            </span>{" "}
            {w.hostname} (pid {w.pid}) · {w.concurrency} score job{w.concurrency === 1 ? "" : "s"} at once ·{" "}
            {w.models.length ? w.models.join(", ") : "no models loaded"} · started{" "}
            {new Date(w.startedAt).toLocaleString()}, last seen {ago(w.lastSeenAt)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Admin: worker processes, scoring queue and failures, and the models the workers found (enable, thresholds). */
export function ScoringAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.aiModels.status.queryOptions(undefined, { refetchInterval: 2000 }));
  const models = useQuery(trpc.aiModels.list.queryOptions(undefined, { refetchInterval: 5000 }));
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.aiModels.list.queryKey() });
  const setEnabled = useMutation(trpc.aiModels.setEnabled.mutationOptions({ onSettled: refresh }));
  const [editing, setEditing] = useState<string | null>(null);
  const drift = useQuery(trpc.aiModels.drift.queryOptions(undefined, { refetchInterval: 30_000 }));

  return (
    <div className="space-y-6">
      {drift.data && drift.data.open.length > 0 && (
        <div role="alert" className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          <span className="font-medium">AI drift: {drift.data.open.length} open alert(s).</span>{" "}
          {drift.data.open
            .slice(0, 3)
            .map((a) => `${a.modelId} ${a.modelVersion}: ${a.message}`)
            .join(" · ")}{" "}
          <a className="underline" href="/models">
            See AI models
          </a>
        </div>
      )}
      {status.data && (
        <div>
          <WorkersPanel workers={status.data.workers} />
          <div className="grid grid-cols-2 gap-3 md:grid-cols-6" data-testid="scoring-queue">
            <QueueCard label="Waiting" value={status.data.queue.created} />
            <QueueCard
              label="Retrying"
              value={status.data.queue.retry}
              tone={status.data.queue.retry ? "amber" : "slate"}
            />
            <QueueCard label="Running" value={status.data.queue.active} />
            <QueueCard
              label="Failed"
              value={status.data.queue.failed}
              tone={status.data.queue.failed ? "red" : "slate"}
            />
            <QueueCard label="Studies awaiting AI" value={status.data.studiesAwaitingAi} />
            <QueueCard
              label="Arrival → verdict (p50 / p95, 1 h)"
              value={`${secs(status.data.lag.p50Seconds)} / ${secs(status.data.lag.p95Seconds)}`}
            />
          </div>
          {status.data.recentFailures.length > 0 && (
            <details className="mt-3 rounded-lg border border-red-200 bg-red-50 p-3 text-sm">
              <summary className="cursor-pointer font-medium text-red-800">
                Recent scoring failures ({status.data.recentFailures.length})
              </summary>
              <ul className="mt-2 space-y-1">
                {status.data.recentFailures.map((f) => (
                  <li key={f.id} className="text-xs">
                    <span className="tabular-nums text-slate-500">{new Date(f.createdAt).toLocaleString()}</span> ·{" "}
                    {f.study.accessionNumber ?? f.study.id} · {f.modelId} {f.modelVersion}:{" "}
                    <span className="text-red-800">{f.reason}</span>
                  </li>
                ))}
              </ul>
            </details>
          )}
          <WebhookPanel webhook={status.data.webhook} />
        </div>
      )}
      {models.data?.length === 0 && (
        <p className="text-sm text-slate-600">
          No worker has reported any model yet. Models live in MODELS_DIR (models/ by default); see models/README.md.
        </p>
      )}
      {models.data && models.data.length > 0 && (
        <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-100 text-xs uppercase text-slate-600">
              <tr>
                <th className="px-3 py-2">Model</th>
                <th className="px-3 py-2">State</th>
                <th className="px-3 py-2">Thresholds</th>
                <th className="px-3 py-2">Last 24 h</th>
                <th className="px-3 py-2">Actions</th>
              </tr>
            </thead>
            <tbody>
              {models.data.map((m) => (
                <tr key={m.id} data-testid={`model-row-${m.modelId}`} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2">
                    <div className="font-medium">
                      {m.modelId} <span className="font-mono text-xs text-slate-500">{m.version}</span>
                    </div>
                    <div className="text-xs text-slate-600">{m.finding}</div>
                    {m.notForClinicalUse && (
                      <div className="text-xs font-medium text-amber-700">Not for clinical use</div>
                    )}
                    <a className="mr-2 text-xs text-sky-700 underline" href={`/models#${m.modelId}`}>
                      Shadow and validation
                    </a>
                    <a
                      className="text-xs text-sky-700 underline"
                      href={`/models/${m.modelId}/card`}
                      target="_blank"
                      rel="noreferrer"
                    >
                      Model card
                    </a>
                  </td>
                  <td className="px-3 py-2">
                    {m.loadError ? (
                      <span className="rounded bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">refused</span>
                    ) : m.enabled && m.mode === "SHADOW" ? (
                      <span className="rounded bg-purple-100 px-2 py-0.5 text-xs font-medium text-purple-800">
                        shadow
                      </span>
                    ) : m.enabled ? (
                      <span className="rounded bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">
                        enabled
                      </span>
                    ) : (
                      <span className="rounded bg-slate-200 px-2 py-0.5 text-xs text-slate-700">disabled</span>
                    )}
                    {m.loadError && <div className="mt-1 max-w-md text-xs text-red-700">{m.loadError}</div>}
                  </td>
                  <td className="px-3 py-2 text-xs">
                    <div>
                      critical ≥ {m.siteThresholds.critical ?? m.manifestThresholds.critical}
                      {m.siteThresholds.critical !== null && <span className="text-amber-700"> (site)</span>}
                    </div>
                    <div>
                      urgent ≥ {m.siteThresholds.urgent ?? m.manifestThresholds.urgent ?? "–"}
                      {m.siteThresholds.urgent !== null && <span className="text-amber-700"> (site)</span>}
                    </div>
                    {m.operatingPoint && (
                      <div className="text-slate-500">
                        sens {m.operatingPoint.sensitivity} / spec {m.operatingPoint.specificity} (manifest)
                      </div>
                    )}
                    {editing === m.id && (
                      <ThresholdEditor
                        model={m}
                        onDone={() => {
                          setEditing(null);
                          refresh();
                        }}
                      />
                    )}
                  </td>
                  <td className="px-3 py-2 text-xs tabular-nums">
                    <div>
                      {m.last24h.scored} scored · {m.last24h.critical} critical
                    </div>
                    <div>
                      {m.last24h.failed} failed · {m.last24h.notApplicable} not applicable
                    </div>
                    <div>
                      p50 {ms(m.last24h.p50Ms)} · p95 {ms(m.last24h.p95Ms)}
                    </div>
                    <div>
                      {m.last24h.confirmed} confirmed · {m.last24h.dismissed} dismissed
                    </div>
                  </td>
                  <td className="space-x-1 whitespace-nowrap px-3 py-2">
                    {!m.loadError && (
                      <button
                        type="button"
                        className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100"
                        onClick={() => setEnabled.mutate({ id: m.id, enabled: !m.enabled })}
                      >
                        {m.enabled ? "Disable" : "Enable"}
                      </button>
                    )}
                    <button
                      type="button"
                      className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100"
                      onClick={() => setEditing(editing === m.id ? null : m.id)}
                    >
                      Thresholds
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {setEnabled.error && (
        <p role="alert" className="text-sm text-red-700">
          {setEnabled.error.message}
        </p>
      )}
    </div>
  );
}

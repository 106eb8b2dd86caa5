"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "../../trpc";
import { DriftBandsEditor, ModelMonitoring, type OpenAlert, type VersionDrift } from "./model-monitoring";

type Outputs = inferRouterOutputs<AppRouter>["aiModels"];
type Model = Outputs["list"][number];
type Run = Outputs["validations"][number];

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? "–" : v.toFixed(d));

function ModeBadge({ model }: { model: Model }) {
  if (model.loadError)
    return <span className="rounded bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">refused</span>;
  if (!model.enabled) return <span className="rounded bg-slate-200 px-2 py-0.5 text-xs text-slate-700">disabled</span>;
  return model.mode === "LIVE" ? (
    <span className="rounded bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">live</span>
  ) : (
    <span className="rounded bg-purple-100 px-2 py-0.5 text-xs font-medium text-purple-800">shadow</span>
  );
}

/** A shadow version against the model's live one, on the studies both scored. */
function ShadowComparison({ model }: { model: Model }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.aiModels.shadowComparison.queryOptions({ id: model.id }, { refetchInterval: 10_000 }));
  if (!q.data) return null;
  const { live, comparison, days } = q.data;
  if (!live || !comparison)
    return <p className="text-xs text-slate-600">No live version of {model.modelId} to compare with.</p>;
  if (comparison.studies === 0)
    return (
      <p className="text-xs text-slate-600">
        No study scored by both this version and live {live} in the last {days} days yet.
      </p>
    );
  return (
    <div data-testid={`shadow-comparison-${model.version}`} className="text-xs">
      <p className="text-slate-700">
        Against live <span className="font-mono">{live}</span> on {comparison.studies} studies ({days} days): agreement{" "}
        <strong>{pct(comparison.agreement)}</strong> · flag rate live {pct(comparison.liveFlagRate)}, this version{" "}
        {pct(comparison.shadowFlagRate)} · {comparison.disagreeing} disagree
      </p>
      {comparison.disagreements.length > 0 && (
        <details className="mt-1">
          <summary className="cursor-pointer text-sky-800">Studies where they disagree</summary>
          <table className="mt-1 text-left">
            <thead className="text-slate-500">
              <tr>
                <th className="pr-3">Accession</th>
                <th className="pr-3">Study</th>
                <th className="pr-3">Live</th>
                <th className="pr-3">This version</th>
              </tr>
            </thead>
            <tbody>
              {comparison.disagreements.slice(0, 20).map((d) => (
                <tr key={d.studyId}>
                  <td className="pr-3 font-mono">
                    <a className="text-sky-700 underline" href={`/worklist?study=${d.studyId}`}>
                      {d.accessionNumber ?? d.studyId}
                    </a>
                  </td>
                  <td className="pr-3">{d.description ?? ""}</td>
                  <td className="pr-3">
                    {d.live} ({num(d.liveProbability, 2)})
                  </td>
                  <td className="pr-3">
                    {d.shadow} ({num(d.shadowProbability, 2)})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}

/** One validation run: its progress while it runs, its figures when done, and the rows it could not use. */
function ValidationRun({ run }: { run: Run }) {
  const trpc = useTRPC();
  const details = useQuery(
    trpc.aiModels.validation.queryOptions({ validationId: run.id }, { enabled: run.status === "DONE" }),
  );
  const s = run.summary;
  const running = run.status === "QUEUED" || run.status === "RUNNING";
  return (
    <div className="rounded border border-slate-200 p-2 text-xs" data-testid="validation-run" data-status={run.status}>
      <div className="text-slate-700">
        <span className="font-medium">{run.labelsName}</span> · {new Date(run.createdAt).toLocaleString()} ·{" "}
        {run.runBy === "cli" ? "from the command line" : "by the workers"} · {run.status.toLowerCase()}
      </div>
      {running && (
        <div className="mt-1 flex items-center gap-2">
          <progress
            aria-label={`Validation progress ${run.labelsName}`}
            className="h-2 w-64"
            value={run.done}
            max={run.total}
          />
          <span className="tabular-nums">
            {run.done} / {run.total} studies
          </span>
        </div>
      )}
      {run.status === "FAILED" && <p className="text-red-700">{run.error}</p>}
      {s && (
        <div className="mt-1 space-y-0.5">
          <p data-testid="local-auc" className="text-sm">
            Local AUC <strong>{num(s.auc)}</strong>
            {s.aucInterval && (
              <>
                {" "}
                (95% CI {num(s.aucInterval.low)}–{num(s.aucInterval.high)})
              </>
            )}{" "}
            on {s.cases} studies, {s.positives} positive
          </p>
          <p>
            At the critical threshold {run.threshold}: sensitivity {pct(s.atThreshold.sensitivity)}, specificity{" "}
            {pct(s.atThreshold.specificity)}
          </p>
          {s.forTargetSensitivity && (
            <p>
              For sensitivity ≥ {pct(s.targetSensitivity)}: threshold {num(s.forTargetSensitivity.threshold, 4)} gives
              specificity {pct(s.forTargetSensitivity.specificity)}
            </p>
          )}
          <p className="text-slate-600">
            {s.rows.scored} scored · {s.rows.notApplicable} not applicable · {s.rows.failed} failed · {s.rows.invalid}{" "}
            invalid rows
            {s.msPerStudy && (
              <>
                {" "}
                · {Math.round(s.msPerStudy.median)} ms per study (median), p95 {Math.round(s.msPerStudy.p95)} ms
              </>
            )}
          </p>
          {s.subgroups.length > 0 && (
            <table className="mt-1 text-left">
              <thead className="text-slate-500">
                <tr>
                  <th className="pr-3">Subgroup</th>
                  <th className="pr-3">Studies</th>
                  <th className="pr-3">AUC (95% CI)</th>
                  <th className="pr-3">Sensitivity</th>
                  <th className="pr-3">Specificity</th>
                </tr>
              </thead>
              <tbody>
                {s.subgroups.map((g) => (
                  <tr key={g.subgroup}>
                    <td className="pr-3">{g.subgroup}</td>
                    <td className="pr-3 tabular-nums">
                      {g.cases} ({g.positives}+)
                    </td>
                    <td className="pr-3 tabular-nums">
                      {num(g.auc)} {g.aucInterval && `(${num(g.aucInterval.low)}–${num(g.aucInterval.high)})`}
                    </td>
                    <td className="pr-3">{pct(g.atThreshold.sensitivity)}</td>
                    <td className="pr-3">{pct(g.atThreshold.specificity)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {details.data && details.data.problems.length > 0 && (
            <details>
              <summary className="cursor-pointer text-amber-800">
                Rows not used ({details.data.problems.length})
              </summary>
              <ul className="mt-1 space-y-0.5">
                {details.data.problems.map((p) => (
                  <li key={p.line}>
                    line {p.line} <span className="font-mono">{p.studyKey || "(no study)"}</span>:{" "}
                    {p.status.toLowerCase().replace("_", " ")} – {p.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </div>
  );
}

/** Upload a labels CSV (StudyInstanceUID or accession, label, optional subgroup); the workers run it. */
function StartValidation({ model, onStarted }: { model: Model; onStarted: () => void }) {
  const trpc = useTRPC();
  const [file, setFile] = useState<File | null>(null);
  const [target, setTarget] = useState("0.95");
  const start = useMutation(trpc.aiModels.startValidation.mutationOptions({ onSuccess: onStarted }));
  return (
    <form
      className="flex flex-wrap items-end gap-2 text-xs"
      onSubmit={(e) => {
        e.preventDefault();
        if (!file) return;
        void file
          .text()
          .then((csv) => start.mutate({ id: model.id, labelsName: file.name, csv, targetSensitivity: Number(target) }));
      }}
    >
      <label className="flex flex-col">
        Labels CSV
        <input
          aria-label={`Labels CSV for ${model.modelId} ${model.version}`}
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <label className="flex flex-col">
        Target sensitivity
        <input
          aria-label="Target sensitivity"
          className="w-20 rounded border border-slate-300 px-1 py-0.5"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
        />
      </label>
      <button
        type="submit"
        disabled={!file || start.isPending}
        className="rounded bg-slate-800 px-2 py-1 text-white disabled:opacity-50"
      >
        Validate on these studies
      </button>
      {start.data?.resumed && <span className="text-slate-600">resuming the unfinished run of this file</span>}
      {start.error && (
        <span role="alert" className="text-red-700">
          {start.error.message}
        </span>
      )}
    </form>
  );
}

function VersionGovernance({
  model,
  canAct,
  drift,
  alerts,
}: {
  model: Model;
  canAct: boolean;
  drift: VersionDrift | undefined;
  alerts: OpenAlert[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const runs = useQuery(
    trpc.aiModels.validations.queryOptions(
      { id: model.id },
      {
        refetchInterval: (q) =>
          q.state.data?.some((r) => r.status === "QUEUED" || r.status === "RUNNING") ? 1000 : 10_000,
      },
    ),
  );
  const refresh = () =>
    void queryClient.invalidateQueries({ queryKey: trpc.aiModels.validations.queryKey({ id: model.id }) });
  return (
    <div className="space-y-2">
      {model.enabled && !model.loadError && <ModelMonitoring aiModelId={model.id} drift={drift} alerts={alerts} />}
      {model.mode === "SHADOW" && <ShadowComparison model={model} />}
      <div className="font-medium text-slate-700">Local validation</div>
      {runs.data?.length === 0 && (
        <p className="text-xs text-slate-600">Not validated on this site&apos;s studies yet.</p>
      )}
      {runs.data?.slice(0, 3).map((r) => (
        <ValidationRun key={r.id} run={r} />
      ))}
      {canAct && !model.loadError && <StartValidation model={model} onStarted={refresh} />}
    </div>
  );
}

/** Every model and its versions: mode, claims, shadow comparison, local validations; admins promote and validate. */
export function ModelsGovernance({ canAct }: { canAct: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const models = useQuery(trpc.aiModels.list.queryOptions(undefined, { refetchInterval: 5000 }));
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.aiModels.list.queryKey() });
  const setMode = useMutation(trpc.aiModels.setMode.mutationOptions({ onSettled: refresh }));
  const drift = useQuery(trpc.aiModels.drift.queryOptions(undefined, { refetchInterval: 30_000 }));
  if (!models.data) return null;
  if (models.data.length === 0)
    return <p className="text-sm text-slate-600">No worker has reported any model yet (models/README.md).</p>;
  const ids = [...new Set(models.data.map((m) => m.modelId))];
  return (
    <div className="space-y-8">
      <DriftBandsEditor canAct={canAct} />
      {setMode.error && (
        <p role="alert" className="text-sm text-red-700">
          {setMode.error.message}
        </p>
      )}
      {ids.map((modelId) => (
        <section key={modelId} id={modelId} data-testid={`model-${modelId}`}>
          <h2 className="text-lg font-semibold">
            {modelId}{" "}
            <a
              className="text-xs font-normal text-sky-700 underline"
              href={`/models/${modelId}/card`}
              target="_blank"
              rel="noreferrer"
            >
              Model card
            </a>
          </h2>
          <div className="mt-2 space-y-3">
            {models.data
              .filter((m) => m.modelId === modelId)
              .map((m) => (
                <div
                  key={m.id}
                  data-testid={`model-version-${m.modelId}-${m.version}`}
                  className="rounded-xl border border-slate-200 bg-white p-3 text-sm"
                >
                  <div className="flex flex-wrap items-center gap-3">
                    <span className="font-mono font-medium">{m.version}</span>
                    <ModeBadge model={m} />
                    <span className="text-xs text-slate-600">{m.finding}</span>
                    {m.operatingPoint && (
                      <span className="text-xs text-slate-500">
                        manifest claims: sensitivity {m.operatingPoint.sensitivity}, specificity{" "}
                        {m.operatingPoint.specificity} ({m.operatingPoint.measuredOn})
                      </span>
                    )}
                    <span className="text-xs tabular-nums text-slate-600">
                      24 h: {m.last24h.scored} scored · {m.last24h.critical} critical
                    </span>
                    {canAct && !m.loadError && (
                      <span className="ml-auto space-x-1">
                        {m.mode === "SHADOW" ? (
                          <button
                            type="button"
                            className="rounded bg-emerald-700 px-2 py-0.5 text-xs text-white"
                            onClick={() => {
                              if (
                                window.confirm(`Put ${m.modelId} ${m.version} live? The live version goes to shadow.`)
                              )
                                setMode.mutate({ id: m.id, mode: "LIVE" });
                            }}
                          >
                            Promote to live
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100"
                            onClick={() => setMode.mutate({ id: m.id, mode: "SHADOW" })}
                          >
                            Put in shadow
                          </button>
                        )}
                      </span>
                    )}
                  </div>
                  {m.loadError && <p className="mt-1 text-xs text-red-700">{m.loadError}</p>}
                  <div className="mt-2">
                    <VersionGovernance
                      model={m}
                      canAct={canAct}
                      drift={drift.data?.versions.find((v) => v.aiModelId === m.id)}
                      alerts={(drift.data?.open ?? []).filter(
                        (a) => a.modelId === m.modelId && a.modelVersion === m.version,
                      )}
                    />
                  </div>
                </div>
              ))}
          </div>
        </section>
      ))}
    </div>
  );
}

"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { AppRouter } from "@/server/api/root";
import type { DriftBands } from "@/lib/models/drift";
import { useTRPC } from "../../trpc";
import { axisTick, chartColour, DASHES, gridStroke, tooltipStyle } from "../../_components/chart-theme";

type Drift = inferRouterOutputs<AppRouter>["aiModels"]["drift"];
export type VersionDrift = Drift["versions"][number];
export type OpenAlert = Drift["open"][number];

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`);

/** A version's last 24 hours against its baseline, its open drift alerts, and 30 days per day as a chart. */
export function ModelMonitoring({
  aiModelId,
  drift,
  alerts,
}: {
  aiModelId: string;
  drift: VersionDrift | undefined;
  alerts: OpenAlert[];
}) {
  const trpc = useTRPC();
  const daily = useQuery(trpc.aiModels.daily.queryOptions({ id: aiModelId }, { refetchInterval: 60_000 }));
  const d = drift?.lastDay;
  const chart = (daily.data?.days ?? []).map((x) => ({
    day: x.day.slice(5),
    "Flag rate": x.flagRate === null ? null : Math.round(x.flagRate * 1000) / 10,
    Failed: x.failedRate === null ? null : Math.round(x.failedRate * 1000) / 10,
    "PSI × 100": x.psi === null ? null : Math.round(x.psi * 100),
  }));
  return (
    <div className="space-y-2 text-xs" data-testid="model-monitoring">
      <div className="font-medium text-slate-700">Monitoring</div>
      {alerts.map((a) => (
        <p
          key={a.id}
          role="alert"
          className="rounded border border-red-300 bg-red-50 px-2 py-1 font-medium text-red-800"
        >
          Drift ({a.kind}) since {new Date(a.openedAt).toLocaleString()}: {a.message}
        </p>
      ))}
      {d && (
        <p className="text-slate-700">
          Last 24 h: {d.scored} scored · flag rate {pct(d.scored ? d.flagged / d.scored : null)}
          {drift?.baseline && (
            <>
              {" "}
              (baseline {pct(drift.baseline.flagged / drift.baseline.scored)}, {drift.baseline.from})
            </>
          )}{" "}
          · score shift (PSI) {drift?.psi === null || drift?.psi === undefined ? "–" : drift.psi.toFixed(2)} · failed{" "}
          {pct(d.results ? d.failed / d.results : null)} · not applicable{" "}
          {pct(d.results ? d.notApplicable / d.results : null)} · p95{" "}
          {d.p95Ms === null ? "–" : `${Math.round(d.p95Ms)} ms`} · PPV{" "}
          {d.confirmed + d.dismissed
            ? `${pct(d.confirmed / (d.confirmed + d.dismissed))} of ${d.confirmed + d.dismissed} judged`
            : "–"}
        </p>
      )}
      {chart.length > 1 && (
        <div className="h-48 rounded border border-slate-200 bg-white p-2" data-testid="model-drift-chart">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={chart}>
              <CartesianGrid strokeDasharray="3 3" stroke={gridStroke} />
              <XAxis dataKey="day" tick={axisTick} />
              <YAxis tick={axisTick} width={36} />
              <Tooltip {...tooltipStyle} />
              <Legend />
              {(["Flag rate", "Failed", "PSI × 100"] as const).map((k, i) => (
                <Line
                  key={k}
                  dataKey={k}
                  stroke={chartColour(["red-600", "slate-500", "purple-500"][i]!)}
                  strokeDasharray={DASHES[i]}
                  dot={false}
                  connectNulls
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      {chart.length > 0 && (
        <p className="text-slate-500">
          Per day ({daily.data?.psiReference ? `PSI against ${daily.data.psiReference}` : ""}): flag rate and failed in
          %, score shift as PSI × 100 (25 = a major shift).
        </p>
      )}
    </div>
  );
}

const FIELDS: { key: keyof DriftBands; label: string; nullable?: boolean }[] = [
  { key: "minStudies", label: "Studies before judging a flag rate" },
  { key: "flagRateZ", label: "Flag rate: as unlikely as z =" },
  { key: "flagRateMinChange", label: "Flag rate: and changed by at least (fraction)" },
  { key: "minStudiesForPsi", label: "Studies before judging the score distribution" },
  { key: "maxPsi", label: "Score shift: PSI at most" },
  { key: "maxFailedRate", label: "Failed share at most" },
  { key: "maxNotApplicableRate", label: "Not-applicable share at most (empty: not watched)", nullable: true },
  { key: "minPpv", label: "PPV from feedback at least (empty: not watched)", nullable: true },
  { key: "minFeedback", label: "Judged flags before judging PPV" },
  { key: "maxP95Ms", label: "p95 time per study at most (ms)" },
];

/** The drift bands, editable by admins (audited as settings.drift). */
export function DriftBandsEditor({ canAct }: { canAct: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const bands = useQuery(trpc.aiModels.driftBands.queryOptions());
  const [draft, setDraft] = useState<Record<string, string> | null>(null);
  const save = useMutation(
    trpc.aiModels.saveDriftBands.mutationOptions({
      onSuccess: () => {
        setDraft(null);
        void queryClient.invalidateQueries({ queryKey: trpc.aiModels.driftBands.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.aiModels.drift.queryKey() });
      },
    }),
  );
  if (!bands.data) return null;
  const values = draft ?? Object.fromEntries(FIELDS.map((f) => [f.key, bands.data[f.key]?.toString() ?? ""]));
  return (
    <details className="rounded-xl border border-slate-200 bg-white p-3 text-sm">
      <summary className="cursor-pointer font-medium">Drift alert bands</summary>
      <p className="mt-1 text-xs text-slate-600">
        Each enabled version&apos;s last 24 hours are compared with its previous 28 days (or, without enough history,
        with its local validation) every 5 minutes. Crossing a band raises an alert here, in /metrics
        (readnext_model_drift_alerts) and on the critical-finding webhook (event model-drift).
      </p>
      <form
        className="mt-2 grid grid-cols-1 gap-2 text-xs md:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = Object.fromEntries(
            FIELDS.map((f) => [f.key, values[f.key]!.trim() === "" && f.nullable ? null : Number(values[f.key])]),
          ) as DriftBands;
          save.mutate(parsed);
        }}
      >
        {FIELDS.map((f) => (
          <label key={f.key} className="flex items-center justify-between gap-2">
            {f.label}
            <input
              className="w-24 rounded border border-slate-300 px-1 py-0.5"
              value={values[f.key]}
              disabled={!canAct}
              onChange={(e) => setDraft({ ...values, [f.key]: e.target.value })}
            />
          </label>
        ))}
        {canAct && (
          <div>
            <button type="submit" className="rounded bg-slate-800 px-2 py-1 text-white">
              Save bands
            </button>
            {save.error && (
              <span role="alert" className="ml-2 text-red-700">
                {save.error.message}
              </span>
            )}
          </div>
        )}
      </form>
    </details>
  );
}

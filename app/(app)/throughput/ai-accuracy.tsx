"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { QueryFallback } from "../../_components/query-fallback";

const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)}%`);

/** Per model version: volume, flag rate, and accuracy as the radiologists judged it. */
export function AiAccuracyView() {
  const trpc = useTRPC();
  const { data, error } = useQuery(trpc.department.aiAccuracy.queryOptions({ windowDays: 30 }));
  if (!data) return <QueryFallback error={error} what="AI accuracy" />;
  if (data.length === 0)
    return <p className="text-sm text-slate-600">No study was scored by a model in the last 30 days.</p>;
  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" data-testid="ai-accuracy">
        <thead className="bg-slate-100 text-xs uppercase text-slate-600">
          <tr>
            <th className="px-3 py-2">Model</th>
            <th className="px-3 py-2 text-right">Scored</th>
            <th className="px-3 py-2 text-right">Flagged</th>
            <th className="px-3 py-2 text-right">Reviewed</th>
            <th className="px-3 py-2 text-right">Sensitivity</th>
            <th className="px-3 py-2 text-right">Specificity</th>
            <th className="px-3 py-2 text-right">PPV</th>
          </tr>
        </thead>
        <tbody>
          {data.map((m) => (
            <tr key={`${m.modelId}@${m.modelVersion}`} className="border-t border-slate-100 tabular-nums">
              <td className="px-3 py-2 font-medium">
                {m.modelId} <span className="font-mono text-xs text-slate-500">{m.modelVersion}</span>
              </td>
              <td className="px-3 py-2 text-right">{m.scored}</td>
              <td className="px-3 py-2 text-right">{m.flagged}</td>
              <td
                className="px-3 py-2 text-right"
                title={`${m.truePositive} confirmed, ${m.falsePositive} dismissed flags; ${m.trueNegative} agreed negatives, ${m.falseNegative} missed findings`}
              >
                {m.reviewed}
              </td>
              <td className="px-3 py-2 text-right">{pct(m.sensitivity)}</td>
              <td className="px-3 py-2 text-right">{pct(m.specificity)}</td>
              <td className="px-3 py-2 text-right">{pct(m.ppv)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="border-t border-slate-100 px-3 py-2 text-xs text-slate-500">
        Last 30 days. Accuracy counts only results a radiologist confirmed or dismissed in the study panel; a flag
        nobody reviewed counts in neither direction.
      </p>
    </div>
  );
}

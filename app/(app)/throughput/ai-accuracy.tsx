"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { QueryFallback } from "../../_components/query-fallback";
import { downloadCsv } from "../../_components/csv";
import { CsvButton } from "../../_components/csv-button";
import { formatMinutes } from "../../_components/time";
import { useChairScope } from "./chair-scope";

const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)}%`);
const share = (a: number, b: number) => (b === 0 ? null : a / b);

/** Per model version: volume, flag rate, review coverage, accuracy as the radiologists judged it, flag to read. */
export function AiAccuracyView() {
  const trpc = useTRPC();
  const scope = useChairScope();
  const { data, error } = useQuery(trpc.department.aiAccuracy.queryOptions(scope));
  if (!data) return <QueryFallback error={error} what="AI accuracy" />;
  if (data.length === 0) return <p className="text-sm text-slate-600">No study was scored by a model in this range.</p>;
  const csv = () =>
    downloadCsv("readnext-ai-accuracy.csv", [
      [
        "model",
        "version",
        "scored",
        "flagged",
        "flag rate",
        "reviewed",
        "without feedback",
        "dismissed flags",
        "sensitivity",
        "specificity",
        "PPV",
        "flag to read median minutes",
        "flags unread",
      ],
      ...data.map((m) => [
        m.modelId,
        m.modelVersion,
        String(m.scored),
        String(m.flagged),
        String(share(m.flagged, m.scored) ?? ""),
        String(m.reviewed),
        String(m.withoutFeedback),
        String(m.dismissedFlags),
        String(m.sensitivity ?? ""),
        String(m.specificity ?? ""),
        String(m.ppv ?? ""),
        String(m.flagToReadP50 ?? ""),
        String(m.flagsUnread),
      ]),
    ]);
  return (
    <div className="space-y-2">
      <div className="flex justify-end">
        <CsvButton onClick={csv} />
      </div>
      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
        <table className="w-full text-left text-sm" data-testid="ai-accuracy">
          <thead className="bg-slate-100 text-xs uppercase text-slate-600">
            <tr>
              <th className="px-3 py-2">Model</th>
              <th className="px-3 py-2 text-right">Scored</th>
              <th className="px-3 py-2 text-right">Flagged</th>
              <th className="px-3 py-2 text-right">Reviewed</th>
              <th className="px-3 py-2 text-right">Dismissed flags</th>
              <th className="px-3 py-2 text-right">Sensitivity</th>
              <th className="px-3 py-2 text-right">Specificity</th>
              <th className="px-3 py-2 text-right">PPV</th>
              <th className="px-3 py-2 text-right">Flag → read</th>
            </tr>
          </thead>
          <tbody>
            {data.map((m) => (
              <tr key={`${m.modelId}@${m.modelVersion}`} className="border-t border-slate-100 tabular-nums">
                <td className="px-3 py-2 font-medium">
                  {m.modelId} <span className="font-mono text-xs text-slate-600">{m.modelVersion}</span>
                </td>
                <td className="px-3 py-2 text-right">{m.scored}</td>
                <td className="px-3 py-2 text-right">
                  {m.flagged} <span className="text-xs text-slate-600">({pct(share(m.flagged, m.scored))})</span>
                </td>
                <td
                  className="px-3 py-2 text-right"
                  title={`${m.truePositive} confirmed, ${m.falsePositive} dismissed flags; ${m.trueNegative} agreed negatives, ${m.falseNegative} missed findings`}
                >
                  {m.reviewed} <span className="text-xs text-slate-600">({m.withoutFeedback} not)</span>
                </td>
                <td className="px-3 py-2 text-right">
                  {m.dismissedFlags}{" "}
                  <span className="text-xs text-slate-600">({pct(share(m.dismissedFlags, m.flagged))})</span>
                </td>
                <td className="px-3 py-2 text-right">{pct(m.sensitivity)}</td>
                <td className="px-3 py-2 text-right">{pct(m.specificity)}</td>
                <td className="px-3 py-2 text-right">{pct(m.ppv)}</td>
                <td className="px-3 py-2 text-right">
                  {m.flagToReadP50 === null ? "—" : formatMinutes(m.flagToReadP50)}
                  {m.flagsUnread > 0 && <span className="text-xs text-slate-600"> ({m.flagsUnread} unread)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-0.5 border-t border-slate-100 px-3 py-2 text-xs text-slate-600">
          <dt className="font-semibold">Window</dt>
          <dd>
            results stored in the range, on studies the filters take in, each counted once by the latest confirm /
            dismiss given.
          </dd>
          <dt className="font-semibold">Flagged</dt>
          <dd>critical or urgent; in brackets, the share of scored studies (flag rate).</dd>
          <dt className="font-semibold">Reviewed</dt>
          <dd>
            results a radiologist confirmed or dismissed in the study panel; a result nobody reviewed counts in neither
            direction of accuracy.
          </dd>
          <dt className="font-semibold">Dismissed flags</dt>
          <dd>flags a radiologist dismissed; in brackets, of all flags, reviewed or not.</dd>
          <dt className="font-semibold">Sensitivity</dt>
          <dd>confirmed flags ÷ (confirmed flags + findings the model missed).</dd>
          <dt className="font-semibold">Specificity</dt>
          <dd>agreed negatives ÷ (agreed negatives + dismissed flags).</dd>
          <dt className="font-semibold">PPV</dt>
          <dd>confirmed flags ÷ reviewed flags.</dd>
          <dt className="font-semibold">Flag → read</dt>
          <dd>
            median time from the flag to the study&apos;s read, over flagged studies read since; unread flags apart.
          </dd>
        </dl>
      </div>
    </div>
  );
}

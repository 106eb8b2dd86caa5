"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { QueryFallback } from "../../_components/query-fallback";
import { downloadCsv } from "../../_components/csv";
import { CsvButton } from "../../_components/csv-button";
import { useChairScope } from "./chair-scope";
import { EXACT_PERCENTILE_READS, RELATIVE_ERROR } from "@/lib/duration-histogram";

const m = (v: number | null) => (v === null ? "—" : v < 120 ? `${Math.round(v)} min` : `${Math.round(v / 6) / 10} h`);
const FIGURES = [
  ["waitP50", "waitP90", "Waiting"],
  ["readingP50", "readingP90", "Reading"],
  ["totalP50", "totalP90", "Total"],
] as const;

/** Where the time goes: waiting (arrival → claim) and reading (claim → read), by AI flag and by class. */
export function TurnaroundByStageView() {
  const trpc = useTRPC();
  const scope = useChairScope();
  const { data, error } = useQuery(trpc.department.turnaroundByStage.queryOptions(scope));
  const csv = () =>
    data &&
    downloadCsv(`readnext-turnaround-${scope.from}-${scope.to}.csv`, [
      [
        "row",
        "reads",
        "claimed",
        ...FIGURES.flatMap(([, , name]) => [`${name} median min`, `${name} p90 min`]),
        "percentiles",
      ],
      ...data.map((r) => [
        r.label,
        String(r.read),
        String(r.claimed),
        ...FIGURES.flatMap(([p50, p90]) => [String(r[p50] ?? ""), String(r[p90] ?? "")]),
        r.approximate ? "histogram" : "exact",
      ]),
    ]);
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3 text-sm">
        <CsvButton onClick={csv} disabled={!data} className="ml-auto" />
      </div>
      {!data ? (
        <QueryFallback error={error} what="turnaround by stage" />
      ) : (
        <table className="w-full rounded-xl border border-slate-200 bg-white text-left text-sm" data-testid="stages">
          <thead className="bg-slate-100 text-xs uppercase text-slate-600">
            <tr>
              <th className="px-3 py-2">Studies</th>
              <th className="px-3 py-2 text-right">Reads</th>
              {FIGURES.map(([, , name]) => (
                <th key={name} className="px-3 py-2 text-right">
                  {name}: median / 90th
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.map((r) => (
              <tr key={r.label} className={`border-t border-slate-100 ${r.group === "class" ? "" : "font-medium"}`}>
                <td className="px-3 py-1.5">{r.label.replace("UNKNOWN", "no priority")}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{r.read}</td>
                {FIGURES.map(([p50, p90, name]) => (
                  <td key={name} className="px-3 py-1.5 text-right tabular-nums">
                    {m(r[p50])} / {m(r[p90])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="max-w-3xl text-xs text-slate-500">
        <strong>Waiting</strong>: arrival to the claim that led to the read. <strong>Reading</strong>: that claim to the
        read. <strong>Total</strong>: arrival to read. Medians and 90th percentiles (linear interpolation) over the
        studies read in the range; studies the RIS marked read without a claim count in Total only.{" "}
        {data?.some((r) => r.approximate) ? (
          <span data-testid="turnaround-approximate">
            This range holds more than {EXACT_PERCENTILE_READS.toLocaleString("en")} reads: its percentiles come from a
            histogram of the durations kept per day and month, and are within {Math.round(RELATIVE_ERROR * 100)}% of the
            exact figures.
          </span>
        ) : (
          "Exact: every read's durations are sorted."
        )}
      </p>
    </div>
  );
}

"use client";
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "../../trpc";
import { ORDER_PRIORITIES } from "@/lib/priority/classes";
import { downloadCsv } from "../../_components/csv";
import { CsvButton } from "../../_components/csv-button";
import { QueryFallback } from "../../_components/query-fallback";
import { useChairScope } from "./chair-scope";
import { axisTick, chartColour, DASHES, gridStroke, tooltipStyle } from "../../_components/chart-theme";

const COLUMNS = [...ORDER_PRIORITIES, "UNKNOWN"] as const;
const COLOURS: Record<string, string> = {
  All: chartColour("slate-900"),
  STAT: chartColour("red-600"),
  HIGH: chartColour("orange-600"),
  MEDIUM: chartColour("yellow-600"),
  ROUTINE: chartColour("sky-700"),
  LOW: chartColour("slate-500"),
  UNKNOWN: chartColour("purple-500"),
};
type Cell = { read: number; withDue: number; byDue: number };
const pct = (c: Cell | undefined) => (c && c.withDue > 0 ? Math.round((1000 * c.byDue) / c.withDue) / 10 : null);

/** Share read by the due time, per department day and order priority, over the chosen range: chart, table, CSV. */
export function SlaTrendView() {
  const trpc = useTRPC();
  const scope = useChairScope();
  const { data, error } = useQuery(trpc.department.slaTrend.queryOptions(scope));
  if (!data) return <QueryFallback error={error} what="the SLA trend" />;
  const days = new Map<string, Record<string, Cell>>();
  for (const r of data.rows) {
    const day = days.get(r.day) ?? {};
    day[r.priority] = r;
    const all = day.All ?? { read: 0, withDue: 0, byDue: 0 };
    day.All = { read: all.read + r.read, withDue: all.withDue + r.withDue, byDue: all.byDue + r.byDue };
    days.set(r.day, day);
  }
  const present = COLUMNS.filter((p) => data.rows.some((r) => r.priority === p));
  const series = ["All", ...present];
  const chart = [...days].map(([day, cells]) => ({
    day: day.slice(5),
    ...Object.fromEntries(series.map((s) => [s, pct(cells[s])])),
  }));
  const table = [...days].reverse();
  const csv = () =>
    downloadCsv("readnext-sla-by-day.csv", [
      ["day", ...series.flatMap((s) => [`${s} read`, `${s} with due time`, `${s} read by due time`])],
      ...table.map(([day, cells]) => [
        day,
        ...series.flatMap((s) => [cells[s]?.read ?? 0, cells[s]?.withDue ?? 0, cells[s]?.byDue ?? 0].map(String)),
      ]),
    ]);
  if (data.rows.length === 0) return <p className="text-sm text-slate-500">No reads in this range.</p>;
  return (
    <div className="space-y-3">
      <p className="max-w-3xl text-sm text-slate-600">
        <strong>Read by due time</strong>: of the studies read on a day (midnight to midnight, {data.timeZone}) whose
        due time was recorded, the share read by it. A study&apos;s due time is its arrival plus the SLA target for its
        order priority and patient location, shortened by an AI finding, or set by a scheduler&apos;s target.
      </p>
      <div className="h-64 rounded-xl border border-slate-200 bg-white p-3" data-testid="sla-trend-chart">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={chart}>
            <CartesianGrid strokeDasharray="3 3" stroke={gridStroke} />
            <XAxis dataKey="day" tick={axisTick} />
            <YAxis domain={[0, 100]} unit="%" tick={axisTick} width={44} />
            <Tooltip {...tooltipStyle} formatter={(v) => (v === null ? "—" : `${String(v)}%`)} />
            <Legend />
            {series.map((s, i) => (
              <Line
                key={s}
                dataKey={s}
                stroke={COLOURS[s]}
                strokeDasharray={DASHES[i % DASHES.length]}
                strokeWidth={s === "All" ? 2.5 : 1.5}
                dot={false}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <div className="flex justify-end">
        <CsvButton onClick={csv} />
      </div>
      <div className="max-h-80 overflow-auto rounded-xl border border-slate-200 bg-white">
        <table className="w-full text-left text-sm" data-testid="sla-trend-table">
          <thead className="sticky top-0 bg-slate-100 text-xs uppercase text-slate-600">
            <tr>
              <th className="px-3 py-2">Day</th>
              {series.map((s) => (
                <th key={s} className="px-3 py-2 text-right">
                  {s === "UNKNOWN" ? "No priority" : s === "All" ? "All" : s}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.map(([day, cells]) => (
              <tr key={day} className="border-t border-slate-100">
                <td className="px-3 py-1.5 tabular-nums">{day}</td>
                {series.map((s) => {
                  const c = cells[s];
                  const p = pct(c);
                  return (
                    <td
                      key={s}
                      className={`px-3 py-1.5 text-right tabular-nums ${p !== null && p < 90 ? "font-semibold text-red-700" : ""}`}
                      title={c ? `${c.byDue} of ${c.withDue} read by their due time (${c.read} read)` : undefined}
                    >
                      {p === null ? "—" : `${p}%`}
                      <span className="ml-1 text-xs text-slate-500">{c ? c.withDue : ""}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

"use client";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { downloadCsv } from "../../_components/csv";
import { CsvButton } from "../../_components/csv-button";
import { QueryFallback } from "../../_components/query-fallback";
import { useChairScope } from "./chair-scope";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const HOURS = Array.from({ length: 24 }, (_, h) => h);
type Measure = "arrived" | "read" | "growth";
const MEASURES: Record<Measure, string> = {
  arrived: "Arrivals",
  read: "Reads",
  growth: "Arrivals − reads",
};

/**
 * Arrivals and reads per hour of an average day, by weekday, over the chosen range: a heat map whose cells
 * carry their numbers (so it reads without colour), with the same figures as CSV. Colour stays under
 * a third of full strength so the number on it keeps AA contrast in both themes.
 */
export function HourlyLoadView() {
  const trpc = useTRPC();
  const [measure, setMeasure] = useState<Measure>("growth");
  const scope = useChairScope();
  const { data, error } = useQuery(trpc.department.hourlyLoad.queryOptions(scope));
  if (!data) return <QueryFallback error={error} what="arrivals and reads by hour" />;
  // Per average day: a cell divided by how often its weekday occurs in the range.
  const perDay = (n: number, weekday: number) =>
    data.weekdays[weekday] ? Math.round((10 * n) / data.weekdays[weekday]) / 10 : 0;
  const cell = new Map(data.cells.map((c) => [`${c.weekday}:${c.hour}`, c]));
  const value = (weekday: number, hour: number) => {
    const c = cell.get(`${weekday}:${hour}`);
    const arrived = perDay(c?.arrived ?? 0, weekday);
    const read = perDay(c?.read ?? 0, weekday);
    return measure === "arrived" ? arrived : measure === "read" ? read : Math.round(10 * (arrived - read)) / 10;
  };
  const all = WEEKDAYS.flatMap((_, d) => HOURS.map((h) => value(d + 1, h)));
  const top = Math.max(1e-9, ...all.map(Math.abs));
  const shade = (v: number) => {
    const base = measure !== "growth" ? "sky-800" : v > 0 ? "red-700" : "emerald-700";
    return `color-mix(in oklab, var(--color-${base}) ${Math.round((35 * Math.abs(v)) / top)}%, transparent)`;
  };
  const csv = () =>
    downloadCsv("readnext-arrivals-reads-by-hour.csv", [
      ["weekday", "hour", "arrivals per day", "reads per day", "arrivals minus reads per day"],
      ...WEEKDAYS.flatMap((name, d) =>
        HOURS.map((h) => {
          const c = cell.get(`${d + 1}:${h}`);
          const a = perDay(c?.arrived ?? 0, d + 1);
          const r = perDay(c?.read ?? 0, d + 1);
          return [name, String(h), String(a), String(r), String(Math.round(10 * (a - r)) / 10)];
        }),
      ),
    ]);
  return (
    <div className="space-y-2">
      <p className="max-w-3xl text-sm text-slate-600">
        <strong>When the work comes</strong>: studies arriving and read in each hour of the department&apos;s clock (
        {data.timeZone}), per average day of the chosen range (a weekday the range does not hold shows 0). Where
        arrivals outrun reads (red in &ldquo;Arrivals − reads&rdquo;), the backlog builds; green hours clear it.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-1 text-sm">
          Show
          <select
            value={measure}
            onChange={(e) => setMeasure(e.target.value as Measure)}
            className="rounded border border-slate-300 bg-white px-1 py-0.5"
          >
            {(Object.keys(MEASURES) as Measure[]).map((m) => (
              <option key={m} value={m}>
                {MEASURES[m]}
              </option>
            ))}
          </select>
        </label>
        <CsvButton onClick={csv} className="ml-auto" />
      </div>
      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white p-2">
        <table className="w-full table-fixed text-center text-[11px] tabular-nums" data-testid="hourly-load">
          <caption className="sr-only">{MEASURES[measure]} per hour of an average day, by weekday</caption>
          <thead>
            <tr className="text-slate-600">
              <th scope="col" className="w-10" />
              {HOURS.map((h) => (
                <th key={h} scope="col" className="font-normal">
                  {String(h).padStart(2, "0")}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {WEEKDAYS.map((name, d) => (
              <tr key={name}>
                <th scope="row" className="text-left font-medium">
                  {name}
                </th>
                {HOURS.map((h) => {
                  const v = value(d + 1, h);
                  return (
                    <td key={h} className="h-7 rounded-sm" style={{ backgroundColor: shade(v) }}>
                      {v === 0 ? "·" : measure === "growth" && v > 0 ? `+${v}` : v}
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

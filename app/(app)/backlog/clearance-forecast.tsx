"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { formatMinutes, minutesBetween } from "../../_components/time";
import { QueryFallback } from "../../_components/query-fallback";

const clock = (d: Date) => new Date(d).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/** When the backlog clears at the recent read rate, and which studies would be read late before then. */
export function ClearanceForecastView() {
  const trpc = useTRPC();
  const { data, error } = useQuery({
    ...trpc.department.forecast.queryOptions(),
    refetchInterval: 30_000,
  });
  if (!data) return <QueryFallback error={error} what="the forecast" />;
  if (data.basis === "no-reads")
    return (
      <p className="text-sm text-slate-600" data-testid="forecast">
        No study was read in the last {data.windowHours} hours, so there is no read rate to forecast from; {data.open}{" "}
        studies are open.
      </p>
    );
  const now = new Date();
  return (
    <div className="space-y-3" data-testid="forecast">
      <p className="max-w-3xl text-sm">
        At the last {data.windowHours} hours&apos; rate of{" "}
        <strong>{Math.round(data.readsPerHour * 10) / 10} reads an hour</strong> ({data.readsInWindow}{" "}
        {data.readsInWindow === 1 ? "read" : "reads"} by {data.readers} radiologist{data.readers === 1 ? "" : "s"}), the{" "}
        {data.open} open studies are read by <strong>{clock(data.clearsAt)}</strong> (in{" "}
        {formatMinutes(minutesBetween(now, new Date(data.clearsAt)))}).{" "}
        {data.late === 0 ? (
          "None would be read after its due time."
        ) : (
          <span className="font-semibold text-red-700">
            {data.late} would be read after their due time
            {data.late > data.lateStudies.length ? ` (the first ${data.lateStudies.length} below)` : ""}.
          </span>
        )}
      </p>
      <p className="max-w-3xl text-xs text-slate-500">
        Forecast: readers take the list in its order, so the k-th study is read k × (60 ÷ reads an hour) minutes from
        now. Pin a study or set a target below to move it up.
      </p>
      <GroupForecastTable />
      {data.lateStudies.length > 0 && (
        <table className="w-full max-w-3xl rounded-xl border border-slate-200 bg-white text-left text-sm">
          <thead className="bg-slate-100 text-xs uppercase text-slate-600">
            <tr>
              <th className="px-3 py-2">Accession</th>
              <th className="px-3 py-2">Priority</th>
              <th className="px-3 py-2">Location</th>
              <th className="px-3 py-2 text-right">Due</th>
              <th className="px-3 py-2 text-right">Read by (forecast)</th>
              <th className="px-3 py-2 text-right">Late by</th>
            </tr>
          </thead>
          <tbody>
            {data.lateStudies.map((s) => (
              <tr key={s.id} className="border-t border-slate-100" data-testid={`forecast-late-${s.accessionNumber}`}>
                <td className="px-3 py-1.5 font-mono text-xs">{s.accessionNumber ?? "—"}</td>
                <td className="px-3 py-1.5">{s.orderPriority ?? "unknown"}</td>
                <td className="px-3 py-1.5">{s.patientLocation.toLowerCase()}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{clock(s.dueAt)}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{clock(s.predictedReadAt)}</td>
                <td className="px-3 py-1.5 text-right tabular-nums text-red-700">
                  {formatMinutes(minutesBetween(new Date(s.dueAt), new Date(s.predictedReadAt)))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Per reading group, when routing is on: each group's studies at the rate its own studies were read. */
function GroupForecastTable() {
  const trpc = useTRPC();
  const { data } = useQuery({ ...trpc.department.forecastByGroup.queryOptions(), refetchInterval: 30_000 });
  if (!data || data.length === 0) return null;
  const now = new Date();
  return (
    <table
      className="w-full max-w-3xl rounded-xl border border-slate-200 bg-white text-left text-sm"
      data-testid="forecast-by-group"
    >
      <caption className="px-1 pb-1 text-left text-xs text-slate-500">
        Per reading group: its open studies in their order, at the rate its studies were read in the last two hours (by
        members or overflow readers). A group nobody read for has no rate.
      </caption>
      <thead className="bg-slate-100 text-xs uppercase text-slate-600">
        <tr>
          <th className="px-3 py-2">Group</th>
          <th className="px-3 py-2 text-right">Open</th>
          <th className="px-3 py-2 text-right">Reads an hour</th>
          <th className="px-3 py-2 text-right">Clears by</th>
          <th className="px-3 py-2 text-right">Would be late</th>
        </tr>
      </thead>
      <tbody>
        {data.map((g) => (
          <tr key={g.group} className="border-t border-slate-100">
            <td className="px-3 py-1.5">{g.label}</td>
            <td className="px-3 py-1.5 text-right tabular-nums">{g.open}</td>
            <td className="px-3 py-1.5 text-right tabular-nums">{Math.round(g.readsPerHour * 10) / 10}</td>
            <td className="px-3 py-1.5 text-right tabular-nums">
              {g.clearsAt
                ? `${clock(g.clearsAt)} (in ${formatMinutes(minutesBetween(now, new Date(g.clearsAt)))})`
                : g.open === 0
                  ? "—"
                  : "no reads to go by"}
            </td>
            <td className={`px-3 py-1.5 text-right tabular-nums ${g.late ? "font-semibold text-red-700" : ""}`}>
              {g.late ?? "—"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

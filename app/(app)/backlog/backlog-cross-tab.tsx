"use client";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { QueryFallback } from "../../_components/query-fallback";
import { downloadCsv } from "../../_components/csv";
import { CsvButton } from "../../_components/csv-button";
import { useNow } from "../../_components/use-now";
import { dueLabel, formatMinutes, minutesBetween } from "../../_components/time";
import { BACKLOG_AGE_BUCKETS } from "@/lib/backlog-age";
import { ORDER_PRIORITIES } from "@/lib/priority/classes";
import { formatPersonName } from "@/lib/dicom/person-name";

type Cell = { modality: string; priority: string; age: number };
const PRIORITY_ORDER: string[] = [...ORDER_PRIORITIES, "UNKNOWN"];

/** Open studies by modality × order priority × waiting time; a click on a count lists that cell's studies. */
export function BacklogCrossTabView() {
  const trpc = useTRPC();
  const now = useNow(15_000);
  const { data, error } = useQuery(
    trpc.department.backlogCrossTab.queryOptions(undefined, { refetchInterval: 15_000 }),
  );
  const [cell, setCell] = useState<Cell | null>(null);
  const studies = useQuery({
    ...trpc.department.backlogCell.queryOptions(cell ?? { modality: "-", priority: "-", age: 0 }),
    enabled: cell !== null,
    refetchInterval: 15_000,
  });
  if (!data) return <QueryFallback error={error} what="the backlog by class" />;
  if (data.length === 0) return null;

  const rows = [...new Set(data.map((c) => `${c.modality}\u0000${c.priority}`))]
    .map((k) => k.split("\u0000") as [string, string])
    .sort((a, b) => a[0].localeCompare(b[0]) || PRIORITY_ORDER.indexOf(a[1]) - PRIORITY_ORDER.indexOf(b[1]));
  const count = (m: string, p: string, age: number) =>
    data.find((c) => c.modality === m && c.priority === p && c.age === age)?.count ?? 0;
  const same = (a: Cell | null, b: Cell) =>
    a !== null && a.modality === b.modality && a.priority === b.priority && a.age === b.age;
  const csv = () =>
    downloadCsv("readnext-backlog-by-class.csv", [
      ["modality", "priority", ...BACKLOG_AGE_BUCKETS.map((b) => `waiting ${b.label}`), "open"],
      ...rows.map(([m, p]) => {
        const counts = BACKLOG_AGE_BUCKETS.map((_, age) => count(m, p, age));
        return [m, p, ...counts.map(String), String(counts.reduce((x, y) => x + y, 0))];
      }),
    ]);

  return (
    <div className="space-y-3">
      <div className="flex items-center justify-between gap-3">
        <p className="text-sm text-slate-600">
          Open studies (unread or being read) by modality, order priority and time waited since arrival. Click a count
          to see those studies, soonest due first.
        </p>
        <CsvButton onClick={csv} className="shrink-0" />
      </div>
      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
        <table className="w-full text-left text-sm tabular-nums" data-testid="backlog-cross-tab">
          <thead className="bg-slate-100 text-xs uppercase text-slate-600">
            <tr>
              <th className="px-3 py-2">Modality</th>
              <th className="px-3 py-2">Priority</th>
              {BACKLOG_AGE_BUCKETS.map((b) => (
                <th key={b.label} className="px-3 py-2 text-right">
                  waiting {b.label}
                </th>
              ))}
              <th className="px-3 py-2 text-right">Open</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([m, p]) => {
              const counts = BACKLOG_AGE_BUCKETS.map((_, age) => count(m, p, age));
              return (
                <tr key={`${m}/${p}`} className="border-t border-slate-100">
                  <td className="px-3 py-1.5 font-medium">{m}</td>
                  <td className="px-3 py-1.5">{p}</td>
                  {counts.map((n, age) => {
                    const here = { modality: m, priority: p, age };
                    return (
                      <td key={age} className="px-3 py-1 text-right">
                        {n === 0 ? (
                          <span className="text-slate-600">·</span>
                        ) : (
                          <button
                            type="button"
                            aria-pressed={same(cell, here)}
                            aria-label={`${n} ${m} ${p} studies waiting ${BACKLOG_AGE_BUCKETS[age]!.label}`}
                            onClick={() => setCell(same(cell, here) ? null : here)}
                            className={`rounded px-2 py-0.5 font-semibold ${
                              same(cell, here)
                                ? "bg-sky-700 text-white"
                                : age === BACKLOG_AGE_BUCKETS.length - 1
                                  ? "text-red-700 underline hover:bg-slate-100"
                                  : "text-sky-800 underline hover:bg-slate-100"
                            }`}
                          >
                            {n}
                          </button>
                        )}
                      </td>
                    );
                  })}
                  <td className="px-3 py-1.5 text-right font-semibold">{counts.reduce((x, y) => x + y, 0)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {cell && (
        <div className="rounded-xl border border-slate-200 bg-white" data-testid="backlog-cell-studies">
          <h3 className="border-b border-slate-100 px-3 py-2 text-sm font-semibold">
            {cell.modality} · {cell.priority} · waiting {BACKLOG_AGE_BUCKETS[cell.age]!.label}
          </h3>
          {studies.data ? (
            <table className="w-full text-left text-sm tabular-nums">
              <thead className="text-xs uppercase text-slate-600">
                <tr>
                  <th className="px-3 py-1.5">Accession</th>
                  <th className="px-3 py-1.5">Patient</th>
                  <th className="px-3 py-1.5">Study</th>
                  <th className="px-3 py-1.5 text-right">Waited</th>
                  <th className="px-3 py-1.5 text-right">Due</th>
                  <th className="px-3 py-1.5">Being read by</th>
                </tr>
              </thead>
              <tbody>
                {studies.data.map((s) => {
                  const due = s.dueAt ? dueLabel(new Date(s.dueAt), now) : null;
                  return (
                    <tr key={s.id} className="border-t border-slate-100">
                      <td className="px-3 py-1.5 font-mono text-xs">{s.accessionNumber ?? "—"}</td>
                      <td className="px-3 py-1.5">{formatPersonName(s.patientName) ?? "—"}</td>
                      <td className="px-3 py-1.5">{s.description ?? "—"}</td>
                      <td className="px-3 py-1.5 text-right">
                        {formatMinutes(minutesBetween(new Date(s.arrivedAt), now))}
                      </td>
                      <td className={`px-3 py-1.5 text-right ${due?.overdue ? "font-semibold text-red-700" : ""}`}>
                        {due?.text ?? "—"}
                      </td>
                      <td className="px-3 py-1.5">{s.claimedBy ?? ""}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : (
            <QueryFallback error={studies.error} what="these studies" />
          )}
        </div>
      )}
    </div>
  );
}

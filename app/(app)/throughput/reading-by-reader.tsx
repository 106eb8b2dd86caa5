"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { QueryFallback } from "../../_components/query-fallback";
import { downloadCsv } from "../../_components/csv";
import { CsvButton } from "../../_components/csv-button";
import { useChairScope } from "./chair-scope";

const share = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 100)}%` : "—");

/** Per reader and week: reads, work RVUs, claims and claims taken out of order (with a reason): cherry-picking at a glance. */
export function ReadingByReaderView() {
  const trpc = useTRPC();
  const scope = useChairScope();
  const { data, error } = useQuery(trpc.department.readingByReader.queryOptions(scope));
  const csv = () =>
    data &&
    downloadCsv(`readnext-reading-by-reader-${scope.from}-${scope.to}.csv`, [
      ["week starting", "reader", "reads", "work RVUs", "claims", "out of order"],
      ...data.rows.map((r) => [
        r.week,
        r.reader,
        String(r.reads),
        String(r.rvu),
        String(r.claims),
        String(r.outOfOrder),
      ]),
    ]);
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3 text-sm">
        <CsvButton onClick={csv} disabled={!data} className="ml-auto" />
      </div>
      {!data ? (
        <QueryFallback error={error} what="reading by reader" />
      ) : data.rows.length === 0 ? (
        <p className="text-sm text-slate-500">No reads or claims in this range.</p>
      ) : (
        <table
          className="w-full rounded-xl border border-slate-200 bg-white text-left text-sm"
          data-testid="reading-by-reader"
        >
          <thead className="bg-slate-100 text-xs uppercase text-slate-600">
            <tr>
              <th className="px-3 py-2">Week starting</th>
              <th className="px-3 py-2">Reader</th>
              <th className="px-3 py-2 text-right">Reads</th>
              <th className="px-3 py-2 text-right">Work RVUs</th>
              <th className="px-3 py-2 text-right">Claims</th>
              <th className="px-3 py-2 text-right">Out of order</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={`${r.week}-${r.readerId}`} className="border-t border-slate-100">
                <td className="px-3 py-1.5 tabular-nums">{r.week}</td>
                <td className="px-3 py-1.5">{r.reader}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{r.reads.toLocaleString()}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{r.rvu.toFixed(1)}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{r.claims.toLocaleString()}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">
                  {r.outOfOrder} ({share(r.outOfOrder, r.claims)})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="text-xs text-slate-500">
        Weeks start on Monday ({data?.timeZone ?? "department time"}). Out of order: claimed from the list below the
        free picks at the top, with a reason (audited). RVUs from the site&apos;s RVU table.
      </p>
    </div>
  );
}

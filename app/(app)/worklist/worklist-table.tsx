"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { EmptyState } from "../../_components/empty-state";

export function WorklistTable() {
  const trpc = useTRPC();
  const { data, error, isPending } = useQuery(trpc.worklist.list.queryOptions({ limit: 200 }, { refetchInterval: 10_000 }));
  if (isPending) return <p className="text-sm text-slate-500">Loading worklist…</p>;
  if (error) return <p role="alert" className="text-sm text-red-700">Could not load the worklist: {error.message}</p>;
  if (data.total === 0) {
    return (
      <EmptyState title="No studies waiting to be read">
        Studies appear here as soon as ReadNext sees them in a connected PACS. An administrator connects PACS sources under Admin.
      </EmptyState>
    );
  }
  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-100 text-xs uppercase text-slate-600">
          <tr><th className="px-3 py-2">Patient</th><th className="px-3 py-2">Accession</th><th className="px-3 py-2">Study</th><th className="px-3 py-2">Priority</th><th className="px-3 py-2">Location</th><th className="px-3 py-2">Waiting since</th><th className="px-3 py-2">Claimed by</th></tr>
        </thead>
        <tbody>
          {data.rows.map((r) => (
            <tr key={r.id} className="border-t border-slate-100">
              <td className="px-3 py-2">{r.patientName ?? "—"} <span className="text-slate-500">{r.patientId}</span></td>
              <td className="px-3 py-2">{r.accessionNumber ?? "—"}</td>
              <td className="px-3 py-2"><span className="mr-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium">{r.modalities.join("/") || "?"}</span>{r.description ?? "—"}</td>
              <td className="px-3 py-2">{r.orderPriority ?? "ROUTINE (not given)"}</td>
              <td className="px-3 py-2">{r.patientLocation}</td>
              <td className="px-3 py-2">{r.firstSeenAt.toLocaleString()}</td>
              <td className="px-3 py-2">{r.claimedBy ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="border-t border-slate-100 px-3 py-2 text-xs text-slate-500">{data.total} open studies, oldest first.</p>
    </div>
  );
}

"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { EmptyState } from "../../_components/empty-state";
import { Stat } from "../../_components/stat";
import { QueryFallback } from "../../_components/query-fallback";

export function BacklogSummaryView() {
  const trpc = useTRPC();
  const { data, error } = useQuery(trpc.department.backlog.queryOptions(undefined, { refetchInterval: 15_000 }));
  if (!data) return <QueryFallback error={error} what="the backlog" />;
  if (data.total === 0) {
    return (
      <EmptyState title="The backlog is empty">
        Unread studies will be grouped here by waiting time and order class, with the cases at risk of breaching their
        SLA.
      </EmptyState>
    );
  }
  return (
    <div className="space-y-6">
      <div className="grid grid-cols-2 gap-4 md:grid-cols-5">
        <Stat label="Open studies" value={String(data.total)} />
        {data.byAge.map((b) => (
          <Stat key={b.label} label={`Waiting ${b.label}`} value={String(b.count)} />
        ))}
      </div>
      <div className="grid grid-cols-2 gap-4 md:grid-cols-6">
        {data.byPriority.map((p) => (
          <Stat key={p.priority} label={p.priority} value={String(p.count)} />
        ))}
      </div>
    </div>
  );
}

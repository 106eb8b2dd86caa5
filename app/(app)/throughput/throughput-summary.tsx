"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { EmptyState } from "../../_components/empty-state";
import { Stat } from "../../_components/stat";
import { QueryFallback } from "../../_components/query-fallback";

const minutes = (m: number | null) => (m === null ? "—" : `${Math.round(m)} min`);

export function ThroughputSummaryView() {
  const trpc = useTRPC();
  const { data, error } = useQuery(trpc.department.throughput.queryOptions({ windowHours: 24 }));
  if (!data) return <QueryFallback error={error} what="throughput" />;
  return (
    <div className="space-y-6">
      <div className="grid grid-cols-2 gap-4 md:grid-cols-4 xl:grid-cols-7">
        <Stat label="Arrived (24 h)" value={String(data.arrived)} />
        <Stat label="Read (24 h)" value={String(data.read)} />
        <Stat label="Open now" value={String(data.open)} />
        <Stat label="Median turnaround" value={minutes(data.medianTurnaroundMinutes)} />
        <Stat label="90th percentile" value={minutes(data.p90TurnaroundMinutes)} />
        <Stat
          label={`AI-critical, median (${data.criticalRead} read)`}
          value={minutes(data.medianCriticalTurnaroundMinutes)}
        />
        <Stat
          label={`Read by due time (${data.readByDueTime} of ${data.readWithDueTime})`}
          // Rounded down to a tenth: 400 of 402 is 99.5%, never "100%" while any was late.
          value={
            data.readWithDueTime === 0 ? "—" : `${Math.floor((1000 * data.readByDueTime) / data.readWithDueTime) / 10}%`
          }
        />
      </div>
      {data.read === 0 && (
        <EmptyState title="No reads in the last 24 hours">
          Turnaround, SLA and AI-accuracy figures fill in as radiologists read studies from the worklist.
        </EmptyState>
      )}
    </div>
  );
}

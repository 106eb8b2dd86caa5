"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";
import { QueryFallback } from "./query-fallback";

/** For chairs, schedulers and admins: the study's reading group, whether it overflows, and who may read it and why not. */
export function StudyEligibility({ studyId }: { studyId: string }) {
  const trpc = useTRPC();
  const who = useQuery(trpc.routing.studyEligibility.queryOptions({ studyId }));
  if (!who.data) return <QueryFallback error={who.error} what="who may read it" />;
  if (!who.data.routing) return <p className="text-slate-500">Routing is off: every radiologist may read it.</p>;
  const { readers } = who.data;
  return (
    <div className="space-y-1" data-testid="study-eligibility">
      <p>
        {who.data.routeReason ?? "not routed yet"}
        {who.data.overflow ? ` · ${who.data.overflow}` : ""}
      </p>
      <ul className="space-y-0.5">
        {readers.map((r) => (
          <li key={r.id} className={r.eligible ? "text-emerald-800" : "text-slate-500"}>
            {r.eligible ? "✓" : "✗"} {r.name}
            {r.onDuty ? "" : " (off duty)"}: {r.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}

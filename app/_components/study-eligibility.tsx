"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../trpc";
import { QueryFallback } from "./query-fallback";

/**
 * For chairs, schedulers and admins: the study's reading group, whether it overflows, who may
 * read it and why not; in push mode, who it is assigned to, and (`canReassign`) a way to give it
 * to another eligible reader with a reason.
 */
export function StudyEligibility({ studyId, canReassign = false }: { studyId: string; canReassign?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const who = useQuery(trpc.routing.studyEligibility.queryOptions({ studyId }));
  const [reason, setReason] = useState("");
  const reassign = useMutation(
    trpc.routing.reassign.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.routing.studyEligibility.queryKey() }),
    }),
  );
  if (!who.data) return <QueryFallback error={who.error} what="who may read it" />;
  if (!who.data.routing) return <p className="text-slate-500">Routing is off: every radiologist may read it.</p>;
  const { readers, push, assignedTo } = who.data;
  const holder = readers.find((r) => r.id === assignedTo);
  return (
    <div className="space-y-1" data-testid="study-eligibility">
      <p>
        {who.data.routeReason ?? "not routed yet"}
        {who.data.overflow ? ` · ${who.data.overflow}` : ""}
        {push ? ` · ${holder ? `assigned to ${holder.name}` : "not assigned"}` : ""}
      </p>
      {push && canReassign && (
        <input
          aria-label="Reason for reassigning"
          placeholder="reason for reassigning"
          className="w-full rounded border border-slate-300 px-1 py-0.5"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      )}
      <ul className="space-y-0.5">
        {readers.map((r) => (
          <li key={r.id} className={r.eligible ? "text-emerald-800" : "text-slate-500"}>
            {r.eligible ? "✓" : "✗"} {r.name}
            {r.onDuty ? "" : " (off duty)"}: {r.reason}
            {push && canReassign && r.eligible && r.id !== assignedTo && (
              <button
                type="button"
                className="ml-2 rounded border border-slate-300 px-1 hover:bg-slate-100 disabled:opacity-40"
                disabled={reassign.isPending}
                onClick={() => reassign.mutate({ studyId, toUserId: r.id, reason })}
              >
                Assign
              </button>
            )}
          </li>
        ))}
      </ul>
      {reassign.error && (
        <p role="alert" className="text-red-700">
          {reassign.error.message}
        </p>
      )}
    </div>
  );
}

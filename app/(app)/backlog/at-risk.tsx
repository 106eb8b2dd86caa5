"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { useNow } from "../../_components/use-now";
import { dueLabel } from "../../_components/time";
import { formatPersonName } from "@/lib/dicom/person-name";
import { studyTitle } from "@/lib/study-title";
import { ReasonForm } from "../../_components/reason-form";
import { StudyEligibility } from "../../_components/study-eligibility";

/** Studies about to breach (or past) their due time, with the scheduler's levers: pin, set a target, clear. */
export function AtRiskStudies() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(15_000);
  const [horizon, setHorizon] = useState(30);
  const atRisk = useQuery({
    ...trpc.department.atRisk.queryOptions({ horizonMinutes: horizon }),
    refetchInterval: 15_000,
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.department.atRisk.queryKey() });
  const setOverride = useMutation(trpc.worklist.setOverride.mutationOptions({ onSuccess: refresh }));
  const clearOverride = useMutation(trpc.worklist.clearOverride.mutationOptions({ onSuccess: refresh }));
  const [editing, setEditing] = useState<{ id: string; kind: "pin" | "target" } | null>(null);
  const [minutes, setMinutes] = useState(30);
  const [whoFor, setWhoFor] = useState<string | null>(null);
  const failure = setOverride.error ?? clearOverride.error;

  return (
    <div className="space-y-3">
      <div className="flex items-center gap-2 text-sm">
        <h2 className="text-lg font-semibold">At risk of breaching</h2>
        <label className="ml-4 text-slate-600">
          due within
          <select
            value={horizon}
            onChange={(e) => setHorizon(Number(e.target.value))}
            className="ml-1 rounded border border-slate-300 px-1 py-0.5"
          >
            {[15, 30, 60, 120, 240, 1440].map((m) => (
              <option key={m} value={m}>
                {m < 120 ? `${m} min` : `${m / 60} h`}
              </option>
            ))}
          </select>
        </label>
      </div>
      {failure && (
        <p role="alert" className="text-sm text-red-700">
          {failure.message}
        </p>
      )}
      {atRisk.data?.length === 0 && <p className="text-sm text-slate-500">Nothing is due within {horizon} minutes.</p>}
      {atRisk.data && atRisk.data.length > 0 && (
        <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-100 text-xs uppercase text-slate-600">
              <tr>
                <th className="px-3 py-2">Due</th>
                <th className="px-3 py-2">Study</th>
                <th className="px-3 py-2">Class</th>
                <th className="px-3 py-2">Why</th>
                <th className="px-3 py-2">Override</th>
              </tr>
            </thead>
            <tbody>
              {atRisk.data.map((s) => {
                const due = dueLabel(new Date(s.dueAt), now);
                return (
                  <tr
                    key={s.id}
                    data-testid={`at-risk-${s.accessionNumber}`}
                    className="border-t border-slate-100 align-top"
                  >
                    <td className={`px-3 py-2 tabular-nums ${due.overdue ? "font-semibold text-red-700" : ""}`}>
                      {due.text}
                    </td>
                    <td className="px-3 py-2">
                      <div className="font-mono text-xs">{s.accessionNumber}</div>
                      <div>{studyTitle(s.modalities, s.description)}</div>
                      <div className="text-xs text-slate-500">
                        {formatPersonName(s.patientName) ?? "Unknown patient"}
                        {s.claimedBy ? ` · open by ${s.claimedBy}` : ""}
                      </div>
                    </td>
                    <td className="px-3 py-2 text-xs">
                      {s.orderPriority ?? "no priority"} · {s.patientLocation.toLowerCase()}
                    </td>
                    <td className="px-3 py-2 text-xs text-slate-600">
                      {s.reasons.join(" · ")}
                      <div className="mt-1">
                        <button
                          type="button"
                          className="text-sky-700 underline"
                          aria-expanded={whoFor === s.id}
                          onClick={() => setWhoFor(whoFor === s.id ? null : s.id)}
                        >
                          Who may read it?
                        </button>
                        {whoFor === s.id && <StudyEligibility studyId={s.id} canReassign />}
                      </div>
                    </td>
                    <td className="space-y-1 px-3 py-2 text-xs">
                      {s.override && (
                        <div>
                          {s.override.kind === "pin" ? "pinned" : `target ${s.override.minutes} min`} by {s.override.by}
                          : {s.override.reason}
                        </div>
                      )}
                      {editing?.id === s.id ? (
                        <ReasonForm
                          submitLabel="Save"
                          onCancel={() => setEditing(null)}
                          onSubmit={(reason) => {
                            setOverride.mutate(
                              editing.kind === "pin"
                                ? { studyId: s.id, kind: "pin", reason }
                                : { studyId: s.id, kind: "target", minutes, reason },
                            );
                            setEditing(null);
                          }}
                        >
                          {editing.kind === "target" && (
                            <input
                              type="number"
                              min={1}
                              value={minutes}
                              onChange={(e) => setMinutes(Number(e.target.value))}
                              aria-label="Target minutes"
                              className="w-16 rounded border border-slate-300 px-1"
                            />
                          )}
                        </ReasonForm>
                      ) : (
                        <div className="flex gap-1">
                          <button
                            type="button"
                            className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100"
                            onClick={() => setEditing({ id: s.id, kind: "pin" })}
                          >
                            Pin
                          </button>
                          <button
                            type="button"
                            className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100"
                            onClick={() => setEditing({ id: s.id, kind: "target" })}
                          >
                            Set target
                          </button>
                          {s.override && (
                            <button
                              type="button"
                              className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100"
                              onClick={() => clearOverride.mutate({ studyId: s.id })}
                            >
                              Clear
                            </button>
                          )}
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

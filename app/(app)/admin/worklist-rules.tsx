"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "../../trpc";
import { PATIENT_LOCATIONS as LOCATIONS, PRIORITY_CLASSES as PRIORITIES } from "@/lib/priority/classes";

type Settings = inferRouterOutputs<AppRouter>["settings"]["get"];

/** The SLA table (target minutes by order priority × location), AI targets, wait cap and claim rules. */
export function WorklistRules() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.get.queryOptions());
  if (settings.isPending) return <p className="text-sm text-slate-500">Loading…</p>;
  if (settings.error)
    return (
      <p role="alert" className="text-sm text-red-700">
        {settings.error.message}
      </p>
    );
  return <RulesForm initial={settings.data} />;
}

function RulesForm({ initial }: { initial: Settings }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [priority, setPriority] = useState(initial.priority);
  const [rules, setRules] = useState(initial.worklist);
  const done = () => void queryClient.invalidateQueries({ queryKey: trpc.settings.get.queryKey() });
  const savePriority = useMutation(trpc.settings.savePriority.mutationOptions({ onSuccess: done }));
  const saveRules = useMutation(trpc.settings.saveWorklistRules.mutationOptions({ onSuccess: done }));
  const error = savePriority.error ?? saveRules.error;
  const cell = "w-16 rounded border border-slate-300 px-1 py-0.5 text-right tabular-nums";
  const n = (v: string) => Number(v);

  return (
    <form
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        savePriority.mutate(priority);
        saveRules.mutate(rules);
      }}
    >
      <p className="text-slate-600">
        Target minutes from arrival to report. Waiting raises a study by itself; AI findings shorten the target; past
        the maximum wait a study is pinned.
      </p>
      <table className="text-xs">
        <thead>
          <tr>
            <th className="pr-3 text-left">order priority</th>
            {LOCATIONS.map((l) => (
              <th key={l} className="px-1">
                {l.toLowerCase()}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {PRIORITIES.map((p) => (
            <tr key={p}>
              <td className="pr-3">{p === "UNKNOWN" ? "not given" : p}</td>
              {LOCATIONS.map((l) => (
                <td key={l} className="px-1 py-0.5">
                  <input
                    aria-label={`Target minutes ${p} ${l}`}
                    type="number"
                    min={1}
                    className={cell}
                    value={priority.sla[p][l]}
                    onChange={(e) =>
                      setPriority({
                        ...priority,
                        sla: { ...priority.sla, [p]: { ...priority.sla[p], [l]: n(e.target.value) } },
                      })
                    }
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex flex-wrap gap-4">
        <label>
          AI critical target (min){" "}
          <input
            type="number"
            min={1}
            className={cell}
            value={priority.aiCriticalTargetMinutes}
            onChange={(e) => setPriority({ ...priority, aiCriticalTargetMinutes: n(e.target.value) })}
          />
        </label>
        <label>
          AI urgent target (min){" "}
          <input
            type="number"
            min={1}
            className={cell}
            value={priority.aiUrgentTargetMinutes}
            onChange={(e) => setPriority({ ...priority, aiUrgentTargetMinutes: n(e.target.value) })}
          />
        </label>
        <label>
          Maximum wait (min, empty = none){" "}
          <input
            type="number"
            min={1}
            className={cell}
            value={priority.maxWaitMinutes ?? ""}
            onChange={(e) => setPriority({ ...priority, maxWaitMinutes: e.target.value ? n(e.target.value) : null })}
          />
        </label>
      </div>
      <div className="flex flex-wrap gap-4">
        <label>
          Claim lapses after (min){" "}
          <input
            type="number"
            min={1}
            className={cell}
            value={rules.claimTimeoutMinutes}
            onChange={(e) => setRules({ ...rules, claimTimeoutMinutes: n(e.target.value) })}
          />
        </label>
        <label>
          Skipped studies hidden for (min){" "}
          <input
            type="number"
            min={1}
            className={cell}
            value={rules.skipHideMinutes}
            onChange={(e) => setRules({ ...rules, skipHideMinutes: n(e.target.value) })}
          />
        </label>
        <label>
          Free picks within top{" "}
          <input
            type="number"
            min={1}
            className={cell}
            value={rules.claimTopN}
            onChange={(e) => setRules({ ...rules, claimTopN: n(e.target.value) })}
          />
        </label>
      </div>
      <label className="block">
        Viewer link (&#123;StudyInstanceUID&#125;, &#123;AccessionNumber&#125;, &#123;PatientID&#125;)
        <input
          className="mt-1 block w-full rounded border border-slate-300 px-2 py-1 font-mono text-xs"
          value={rules.viewerUrlTemplate}
          onChange={(e) => setRules({ ...rules, viewerUrlTemplate: e.target.value })}
        />
      </label>
      {error && (
        <p role="alert" className="text-red-700">
          {error.message}
        </p>
      )}
      {savePriority.isSuccess && saveRules.isSuccess && (
        <p role="status" className="text-emerald-700">
          Saved. Due times of open studies are recomputed by the workers within seconds.
        </p>
      )}
      <button type="submit" className="rounded-md bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800">
        Save worklist rules
      </button>
    </form>
  );
}

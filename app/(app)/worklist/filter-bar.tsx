"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import type { WorklistFilters } from "@/lib/worklist-filters";
import { useTRPC } from "../../trpc";
import { PATIENT_LOCATIONS as LOCATIONS, PRIORITY_CLASSES as PRIORITIES } from "@/lib/priority/classes";

const MODALITIES = ["CT", "CR", "DX", "MR", "US"];

function toggle<T>(list: T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

/** Filters apply to the list and to Next case, and are saved for this user. */
export function FilterBar({ initial, onSaved }: { initial: WorklistFilters; onSaved: () => void }) {
  const trpc = useTRPC();
  const [filters, setFilters] = useState(initial);
  const save = useMutation(trpc.worklist.saveFilters.mutationOptions({ onSuccess: onSaved }));
  const update = (next: WorklistFilters) => {
    setFilters(next);
    save.mutate(next);
  };
  const chip = (active: boolean) =>
    `rounded-full border px-2 py-0.5 text-xs ${active ? "border-sky-700 bg-sky-700 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-100"}`;
  return (
    <div className="mb-3 flex flex-wrap items-center gap-x-4 gap-y-2 text-xs" aria-label="Filters">
      <div className="flex items-center gap-1">
        <span className="text-slate-500">Modality</span>
        {MODALITIES.map((m) => (
          <button
            key={m}
            type="button"
            aria-pressed={filters.modalities.includes(m)}
            className={chip(filters.modalities.includes(m))}
            onClick={() => update({ ...filters, modalities: toggle(filters.modalities, m) })}
          >
            {m}
          </button>
        ))}
      </div>
      <div className="flex items-center gap-1">
        <span className="text-slate-500">Priority</span>
        {PRIORITIES.map((p) => (
          <button
            key={p}
            type="button"
            aria-pressed={filters.priorities.includes(p)}
            className={chip(filters.priorities.includes(p))}
            onClick={() => update({ ...filters, priorities: toggle(filters.priorities, p) })}
          >
            {p.toLowerCase()}
          </button>
        ))}
      </div>
      <div className="flex items-center gap-1">
        <span className="text-slate-500">Location</span>
        {LOCATIONS.map((l) => (
          <button
            key={l}
            type="button"
            aria-pressed={filters.locations.includes(l)}
            className={chip(filters.locations.includes(l))}
            onClick={() => update({ ...filters, locations: toggle(filters.locations, l) })}
          >
            {l.toLowerCase()}
          </button>
        ))}
      </div>
      <label className="flex items-center gap-1">
        <input
          type="checkbox"
          checked={filters.aiFlaggedOnly}
          onChange={(e) => update({ ...filters, aiFlaggedOnly: e.target.checked })}
        />
        AI flagged only
      </label>
      <label className="flex items-center gap-1 text-slate-500">
        Body part
        <input
          defaultValue={filters.bodyParts.join(", ")}
          placeholder="e.g. HEAD, CHEST"
          className="w-32 rounded border border-slate-300 px-1 py-0.5"
          onBlur={(e) =>
            update({
              ...filters,
              bodyParts: e.target.value
                .split(",")
                .map((b) => b.trim().toUpperCase())
                .filter(Boolean),
            })
          }
        />
      </label>
      {save.error && (
        <span role="alert" className="text-red-700">
          {save.error.message}
        </span>
      )}
    </div>
  );
}

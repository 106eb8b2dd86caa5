"use client";
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import {
  chairScopeSchema,
  matchingPreset,
  NO_CHAIR_FILTERS,
  presetRange,
  RANGE_PRESETS,
  rangeDays,
  type ChairFilters,
  type ChairScope,
  type RangePreset,
} from "@/lib/chair-scope";
import { PATIENT_LOCATIONS, PRIORITY_CLASSES } from "@/lib/priority/classes";
import { QueryFallback } from "../../_components/query-fallback";

/** The scope lives in the address (?from=…&to=…&modality=CT,MR…), so a chair can bookmark or send it. */
const FILTER_PARAMS: Record<keyof ChairFilters, string> = {
  modalities: "modality",
  priorities: "priority",
  locations: "location",
  sources: "source",
  groups: "group",
};
const DEFAULT_PRESET: RangePreset = "last28";

type Options = {
  timeZone: string;
  today: string;
  modalities: string[];
  sources: { id: string; name: string }[];
  groups: { key: string; label: string }[];
};
type ScopeState = { scope: ChairScope; options: Options; invalid: string | null };
const ScopeContext = createContext<ScopeState | null>(null);

/** The scope every chair view inside the provider reads. */
export function useChairScope(): ChairScope {
  const state = useContext(ScopeContext);
  if (!state) throw new Error("useChairScope outside ChairScopeProvider");
  return state.scope;
}

function scopeFromParams(params: URLSearchParams, today: string): { scope: ChairScope; invalid: string | null } {
  const list = (name: string) => (params.get(name) ?? "").split(",").filter(Boolean);
  const fallback = presetRange(DEFAULT_PRESET, today);
  const raw = {
    from: params.get("from") ?? fallback.from,
    to: params.get("to") ?? fallback.to,
    filters: Object.fromEntries(Object.entries(FILTER_PARAMS).map(([key, name]) => [key, list(name)])),
  };
  const parsed = chairScopeSchema.safeParse(raw);
  if (parsed.success) return { scope: parsed.data, invalid: null };
  // A hand-edited or stale address: say what was wrong and show the default rather than nothing.
  return {
    scope: { ...fallback, filters: NO_CHAIR_FILTERS },
    invalid: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
  };
}

export function ChairScopeProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const params = useSearchParams();
  const { data: options, error } = useQuery(trpc.department.chairOptions.queryOptions());
  const state = useMemo(
    () => (options ? { ...scopeFromParams(new URLSearchParams(params.toString()), options.today), options } : null),
    [options, params],
  );
  if (!state) return <QueryFallback error={error} what="the department's date range" />;
  return (
    <ScopeContext.Provider value={state}>
      <ChairScopeBar />
      {children}
    </ScopeContext.Provider>
  );
}

const PRIORITY_LABEL = (p: string) => (p === "UNKNOWN" ? "unknown" : p);
const LOCATION_LABEL = (l: string) => (l === "UNKNOWN" ? "unknown" : l === "ED" ? "ED" : l.toLowerCase());

/** Date range (presets or two days) and filters for every figure below it, in the department's time zone. */
function ChairScopeBar() {
  const { scope, options, invalid } = useContext(ScopeContext)!;
  const router = useRouter();
  const pathname = usePathname();
  const preset = matchingPreset(scope, options.today);

  const go = (next: ChairScope) => {
    const p = new URLSearchParams();
    p.set("from", next.from);
    p.set("to", next.to);
    for (const [key, name] of Object.entries(FILTER_PARAMS) as [keyof ChairFilters, string][])
      if (next.filters[key].length) p.set(name, next.filters[key].join(","));
    router.replace(`${pathname}?${p.toString()}`, { scroll: false });
  };
  const toggle = <K extends keyof ChairFilters>(key: K, value: string) => {
    const now = scope.filters[key] as string[];
    const next = now.includes(value) ? now.filter((v) => v !== value) : [...now, value];
    go({ ...scope, filters: { ...scope.filters, [key]: next } });
  };
  const active = Object.values(scope.filters).reduce((n, v) => n + v.length, 0);

  const groups: { key: keyof ChairFilters; label: string; choices: { value: string; label: string }[] }[] = [
    { key: "modalities", label: "Modality", choices: options.modalities.map((m) => ({ value: m, label: m })) },
    {
      key: "priorities",
      label: "Priority",
      choices: PRIORITY_CLASSES.map((p) => ({ value: p, label: PRIORITY_LABEL(p) })),
    },
    {
      key: "locations",
      label: "Location",
      choices: PATIENT_LOCATIONS.map((l) => ({ value: l, label: LOCATION_LABEL(l) })),
    },
    { key: "sources", label: "Source", choices: options.sources.map((s) => ({ value: s.id, label: s.name })) },
    { key: "groups", label: "Reading group", choices: options.groups.map((g) => ({ value: g.key, label: g.label })) },
  ];

  return (
    <div
      className="mb-4 space-y-2 rounded-xl border border-slate-200 bg-white p-3 text-sm"
      role="group"
      aria-label="Date range and filters"
    >
      <div className="flex flex-wrap items-center gap-2">
        <label className="flex items-center gap-1">
          <span className="text-slate-600">Range</span>
          <select
            aria-label="Range"
            value={preset ?? "custom"}
            onChange={(e) => {
              if (e.target.value !== "custom")
                go({ ...scope, ...presetRange(e.target.value as RangePreset, options.today) });
            }}
            className="rounded border border-slate-300 bg-white px-1 py-0.5"
          >
            {RANGE_PRESETS.map((p) => (
              <option key={p.key} value={p.key}>
                {p.label}
              </option>
            ))}
            <option value="custom">Custom</option>
          </select>
        </label>
        <DayInput label="From" value={scope.from} max={scope.to} onDay={(from) => go({ ...scope, from })} />
        <DayInput label="To" value={scope.to} min={scope.from} onDay={(to) => go({ ...scope, to })} />
        <span className="text-slate-500" data-testid="scope-summary">
          {rangeDays(scope.from, scope.to)} {rangeDays(scope.from, scope.to) === 1 ? "day" : "days"}, midnight to
          midnight in {options.timeZone}
          {active ? ` · ${active} ${active === 1 ? "filter" : "filters"}` : " · all studies"}
        </span>
        {active > 0 && (
          <button
            type="button"
            onClick={() => go({ ...scope, filters: NO_CHAIR_FILTERS })}
            className="ml-auto rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100"
          >
            Clear filters
          </button>
        )}
      </div>
      <div className="flex flex-wrap gap-x-4 gap-y-1">
        {groups
          .filter((g) => g.choices.length > 0)
          .map((g) => (
            <fieldset key={g.key} className="flex flex-wrap items-center gap-1">
              <legend className="float-left mr-1 text-slate-600">{g.label}</legend>
              {g.choices.map((c) => {
                const on = (scope.filters[g.key] as string[]).includes(c.value);
                return (
                  <button
                    key={c.value}
                    type="button"
                    aria-pressed={on}
                    onClick={() => toggle(g.key, c.value)}
                    className={`rounded-full border px-2 py-0.5 text-xs ${
                      on ? "border-sky-700 bg-sky-700 text-white" : "border-slate-300 text-slate-700 hover:bg-slate-100"
                    }`}
                  >
                    {c.label}
                  </button>
                );
              })}
            </fieldset>
          ))}
      </div>
      {invalid && (
        <p role="alert" className="text-red-700">
          The address asked for a range or filter ReadNext cannot use ({invalid}); showing the last 4 weeks.
        </p>
      )}
    </div>
  );
}

/** One end of the range: a date field named for screen readers as it reads on screen. */
function DayInput(props: { label: string; value: string; min?: string; max?: string; onDay: (day: string) => void }) {
  return (
    <label className="flex items-center gap-1">
      <span className="text-slate-600">{props.label.toLowerCase()}</span>
      <input
        type="date"
        aria-label={props.label}
        value={props.value}
        min={props.min}
        max={props.max}
        // A cleared field gives "": keep the range until a whole day is typed.
        onChange={(e) => e.target.value && props.onDay(e.target.value)}
        className="rounded border border-slate-300 bg-white px-1 py-0.5"
      />
    </label>
  );
}

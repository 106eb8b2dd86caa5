"use client";
import { useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import type { RoutingConfig, RoutingRule } from "@/lib/routing/routing-config";
import { ruleProblems } from "@/lib/routing/rule-problems";
import { useTRPC } from "../../trpc";
import { QueryFallback } from "../../_components/query-fallback";
import { ListInput } from "../../_components/list-input";

type Routing = inferRouterOutputs<AppRouter>["routing"]["get"];

const cell = "rounded border border-slate-300 px-1 py-0.5 text-xs";
const button = "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-40";

/** Reading groups, routing rules (first match wins), the default and overflow groups, and which sites need credentials. */
export function RoutingAdmin() {
  const trpc = useTRPC();
  const routing = useQuery(trpc.routing.get.queryOptions());
  if (!routing.data) return <QueryFallback error={routing.error} what="routing" />;
  return <RoutingForm initial={routing.data} />;
}

let counter = 0;
const newRule = (group: string): RoutingRule => ({
  id: `rule-${Date.now().toString(36)}-${++counter}`,
  name: "New rule",
  group,
  modalities: [],
  bodyParts: [],
  descriptionContains: [],
  procedureCodes: [],
  minAgeYears: null,
  belowAgeYears: null,
  sourceIds: [],
  institutionContains: [],
});

function RoutingForm({ initial }: { initial: Routing }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [config, setConfig] = useState<RoutingConfig>(initial.config);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.routing.get.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.routing.readers.queryKey() });
  };
  const save = useMutation(trpc.routing.save.mutationOptions({ onSuccess: refresh }));
  const setRequired = useMutation(trpc.routing.setCredentialRequired.mutationOptions({ onSuccess: refresh }));
  const siteIds = initial.sites.map((s) => s.id);
  // Checked as the admin edits, with the same code the server reports with.
  const problems = useMemo(
    () => ruleProblems(config, siteIds, initial.withoutInstitutionNames),
    [config, siteIds, initial.withoutInstitutionNames],
  );
  const groupKeys = config.groups.map((g) => g.key);

  const setRule = (i: number, patch: Partial<RoutingRule>) =>
    setConfig({ ...config, rules: config.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const moveRule = (i: number, by: number) => {
    const rules = [...config.rules];
    const [r] = rules.splice(i, 1);
    rules.splice(i + by, 0, r!);
    setConfig({ ...config, rules });
  };
  const ageInput = (v: string) => (v === "" ? null : Number(v));

  return (
    <form
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(config);
      }}
    >
      <p className="text-slate-600">
        With no groups, every radiologist reads every study. With groups, each study goes to the group of the first rule
        it matches (or the default group), and readers see the studies of their groups. A study also shows to the
        overflow readers when nobody on duty covers its group, or after the group&apos;s overflow time.
      </p>

      <fieldset>
        <legend className="mb-1 font-medium">Reading groups</legend>
        <table className="text-xs">
          <thead>
            <tr className="text-left text-slate-500">
              <th className="pr-2">key</th>
              <th className="pr-2">name</th>
              <th className="pr-2">overflow after (min)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {config.groups.map((g, i) => (
              <tr key={i}>
                <td className="py-0.5 pr-2">
                  <input
                    aria-label={`Group ${i + 1} key`}
                    className={`${cell} w-24 font-mono`}
                    value={g.key}
                    onChange={(e) =>
                      setConfig({
                        ...config,
                        groups: config.groups.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)),
                      })
                    }
                  />
                </td>
                <td className="pr-2">
                  <input
                    aria-label={`Group ${i + 1} name`}
                    className={`${cell} w-36`}
                    value={g.label}
                    onChange={(e) =>
                      setConfig({
                        ...config,
                        groups: config.groups.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)),
                      })
                    }
                  />
                </td>
                <td className="pr-2">
                  <input
                    aria-label={`Group ${i + 1} overflow minutes`}
                    type="number"
                    min={1}
                    placeholder="only when uncovered"
                    className={`${cell} w-36`}
                    value={g.overflowMinutes ?? ""}
                    onChange={(e) =>
                      setConfig({
                        ...config,
                        groups: config.groups.map((x, j) =>
                          j === i ? { ...x, overflowMinutes: e.target.value ? Number(e.target.value) : null } : x,
                        ),
                      })
                    }
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className={button}
                    onClick={() => setConfig({ ...config, groups: config.groups.filter((_, j) => j !== i) })}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button
          type="button"
          className={`${button} mt-1`}
          onClick={() =>
            setConfig({
              ...config,
              groups: [...config.groups, { key: "", label: "", overflowMinutes: 60 }],
              defaultGroup: config.defaultGroup,
            })
          }
        >
          Add group
        </button>
      </fieldset>

      <div className="flex flex-wrap gap-4">
        <label>
          Studies no rule matches go to{" "}
          <select
            className={cell}
            value={config.defaultGroup ?? ""}
            onChange={(e) => setConfig({ ...config, defaultGroup: e.target.value || null })}
          >
            <option value="">(choose)</option>
            {groupKeys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Assignment{" "}
          <select
            className={cell}
            value={config.assignment}
            onChange={(e) => setConfig({ ...config, assignment: e.target.value as RoutingConfig["assignment"] })}
          >
            <option value="pull">pull: readers take Next case</option>
            <option value="push">push: each study is assigned to one on-duty reader</option>
          </select>
        </label>
        <label className={config.assignment === "push" ? "" : "text-slate-400"}>
          <input
            type="checkbox"
            className="mr-1"
            disabled={config.assignment !== "push"}
            checked={config.interruptions}
            onChange={(e) => setConfig({ ...config, interruptions: e.target.checked })}
          />
          Urgent studies may interrupt a less urgent read (the reader accepts or declines)
        </label>
        <label>
          Overflow goes to{" "}
          <select
            className={cell}
            value={config.overflowGroup ?? ""}
            onChange={(e) => setConfig({ ...config, overflowGroup: e.target.value || null })}
          >
            <option value="">every attending</option>
            {groupKeys.map((k) => (
              <option key={k} value={k}>
                the {k} group
              </option>
            ))}
          </select>
        </label>
      </div>

      <fieldset>
        <legend className="mb-1 font-medium">Rules, first match wins (empty boxes match everything)</legend>
        <table className="text-xs">
          <thead>
            <tr className="text-left text-slate-500">
              <th className="pr-1">#</th>
              <th className="pr-1">rule name</th>
              <th className="pr-1">group</th>
              <th className="pr-1">modalities</th>
              <th className="pr-1">body parts</th>
              <th className="pr-1">description has</th>
              <th className="pr-1">procedure codes</th>
              <th className="pr-1">age from</th>
              <th className="pr-1">under</th>
              <th className="pr-1">sites</th>
              <th className="pr-1">institution has</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {config.rules.map((r, i) => (
              <tr key={r.id} data-testid={`rule-${i + 1}`}>
                <td className="pr-1 text-slate-500">{i + 1}</td>
                <td className="py-0.5 pr-1">
                  <input
                    aria-label={`Rule ${i + 1} name`}
                    className={`${cell} w-28`}
                    value={r.name}
                    onChange={(e) => setRule(i, { name: e.target.value })}
                  />
                </td>
                <td className="pr-1">
                  <select
                    aria-label={`Rule ${i + 1} group`}
                    className={cell}
                    value={r.group}
                    onChange={(e) => setRule(i, { group: e.target.value })}
                  >
                    {[...new Set([...groupKeys, r.group])].map((k) => (
                      <option key={k} value={k}>
                        {k}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="pr-1">
                  <ListInput
                    label={`Rule ${i + 1} modalities`}
                    placeholder="CT, MR"
                    className="w-20"
                    value={r.modalities}
                    onChange={(modalities) => setRule(i, { modalities: modalities.map((m) => m.toUpperCase()) })}
                  />
                </td>
                <td className="pr-1">
                  <ListInput
                    label={`Rule ${i + 1} body parts`}
                    placeholder="HEAD, BRAIN"
                    value={r.bodyParts}
                    onChange={(bodyParts) => setRule(i, { bodyParts: bodyParts.map((m) => m.toUpperCase()) })}
                  />
                </td>
                <td className="pr-1">
                  <ListInput
                    label={`Rule ${i + 1} description words`}
                    placeholder="BRAIN"
                    value={r.descriptionContains}
                    onChange={(words) => setRule(i, { descriptionContains: words.map((m) => m.toUpperCase()) })}
                  />
                </td>
                <td className="pr-1">
                  <ListInput
                    label={`Rule ${i + 1} procedure codes`}
                    placeholder="70450"
                    className="w-20"
                    value={r.procedureCodes}
                    onChange={(codes) => setRule(i, { procedureCodes: codes.map((m) => m.toUpperCase()) })}
                  />
                </td>
                <td className="pr-1">
                  <input
                    aria-label={`Rule ${i + 1} age from`}
                    type="number"
                    min={0}
                    className={`${cell} w-14`}
                    value={r.minAgeYears ?? ""}
                    onChange={(e) => setRule(i, { minAgeYears: ageInput(e.target.value) })}
                  />
                </td>
                <td className="pr-1">
                  <input
                    aria-label={`Rule ${i + 1} under age`}
                    type="number"
                    min={1}
                    className={`${cell} w-14`}
                    value={r.belowAgeYears ?? ""}
                    onChange={(e) => setRule(i, { belowAgeYears: ageInput(e.target.value) })}
                  />
                </td>
                <td className="pr-1">
                  {initial.sites.map((s) => (
                    <label key={s.id} className="mr-2 whitespace-nowrap">
                      <input
                        type="checkbox"
                        checked={r.sourceIds.includes(s.id)}
                        onChange={(e) =>
                          setRule(i, {
                            sourceIds: e.target.checked
                              ? [...r.sourceIds, s.id]
                              : r.sourceIds.filter((id) => id !== s.id),
                          })
                        }
                      />{" "}
                      {s.name}
                    </label>
                  ))}
                </td>
                <td className="pr-1">
                  <ListInput
                    label={`Rule ${i + 1} institution words`}
                    placeholder="ST MARY"
                    value={r.institutionContains}
                    onChange={(words) => setRule(i, { institutionContains: words.map((m) => m.toUpperCase()) })}
                  />
                </td>
                <td className="whitespace-nowrap">
                  <button
                    type="button"
                    aria-label={`Move rule ${i + 1} up`}
                    className={button}
                    disabled={i === 0}
                    onClick={() => moveRule(i, -1)}
                  >
                    ↑
                  </button>{" "}
                  <button
                    type="button"
                    aria-label={`Move rule ${i + 1} down`}
                    className={button}
                    disabled={i === config.rules.length - 1}
                    onClick={() => moveRule(i, 1)}
                  >
                    ↓
                  </button>{" "}
                  <button
                    type="button"
                    className={button}
                    onClick={() => setConfig({ ...config, rules: config.rules.filter((_, j) => j !== i) })}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button
          type="button"
          className={`${button} mt-1`}
          disabled={groupKeys.length === 0}
          onClick={() => setConfig({ ...config, rules: [...config.rules, newRule(groupKeys[0] ?? "")] })}
        >
          Add rule
        </button>
      </fieldset>

      {problems.length > 0 && (
        <ul className="list-disc space-y-0.5 pl-5 text-amber-800" aria-label="Rule problems">
          {problems.map((p) => (
            <li key={`${p.ruleId}-${p.kind}`}>{p.message}</li>
          ))}
        </ul>
      )}
      {save.error && (
        <p role="alert" className="text-red-700">
          {save.error.message}
        </p>
      )}
      {save.isSuccess && (
        <p role="status" className="text-emerald-700">
          Saved. Open studies are re-routed by the workers within seconds.
        </p>
      )}
      <button type="submit" className="rounded-md bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800">
        Save routing
      </button>

      <fieldset className="border-t border-slate-100 pt-3">
        <legend className="mb-1 font-medium">Sites that need a reader credential</legend>
        {initial.sites.map((s) => (
          <label key={s.id} className="mr-4">
            <input
              type="checkbox"
              checked={s.credentialRequired}
              onChange={(e) => setRequired.mutate({ sourceId: s.id, required: e.target.checked })}
            />{" "}
            {s.name}
          </label>
        ))}
        {setRequired.error && (
          <p role="alert" className="text-red-700">
            {setRequired.error.message}
          </p>
        )}
      </fieldset>
    </form>
  );
}

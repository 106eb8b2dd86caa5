"use client";
import type { ScenarioInput } from "@/lib/sim/scenario";
import { hoursSpan, spanHours } from "@/lib/sim/hours";

type Routing = NonNullable<ScenarioInput["routing"]>;
type Reader = Routing["readers"][number];

const field = "rounded border border-slate-300 px-1.5 py-0.5";
const button = "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100";
const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Readers with groups and hours, the groups with their overflow times, the overflow group. */
export function ReadingGroupsEditor({
  scenario,
  setScenario,
}: {
  scenario: ScenarioInput;
  setScenario: (s: ScenarioInput) => void;
}) {
  const routing = scenario.routing;
  if (!routing)
    return (
      <div className="flex items-center gap-3 rounded-xl border border-slate-200 bg-white p-4 text-sm">
        <span className="text-slate-600">Every reader reads every study.</span>
        <button
          type="button"
          className={button}
          onClick={() =>
            setScenario({
              ...scenario,
              routing: {
                groups: [{ key: "general", label: "General" }],
                overflowGroup: "general",
                readers: Array.from({ length: Math.max(1, Math.round(Number(scenario.readers) || 1)) }, (_, i) => ({
                  name: `Reader ${i + 1}`,
                  groups: ["general"],
                })),
              },
            })
          }
        >
          Model reading groups and shifts
        </button>
      </div>
    );

  const set = (patch: Partial<Routing>) => setScenario({ ...scenario, routing: { ...routing, ...patch } });
  const setReader = (i: number, patch: Partial<Reader>) =>
    set({ readers: routing.readers.map((r, j) => (j === i ? { ...r, ...patch } : r)) });

  return (
    <div className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 text-sm">
      <div className="flex flex-wrap items-center gap-3">
        <span className="font-medium">Reading groups</span>
        {routing.groups.map((g, i) => (
          <span key={i} className="flex items-center gap-1 rounded bg-slate-50 px-2 py-1 text-xs">
            <input
              aria-label={`Group ${i + 1} name`}
              className={`${field} w-24`}
              value={g.label}
              onChange={(e) =>
                set({ groups: routing.groups.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)) })
              }
            />
            overflow after
            <input
              aria-label={`Group ${i + 1} overflow minutes`}
              className={`${field} w-14 text-right`}
              placeholder="—"
              value={g.overflowMinutes ?? ""}
              onChange={(e) =>
                set({
                  groups: routing.groups.map((x, j) =>
                    j === i
                      ? { ...x, overflowMinutes: e.target.value ? Math.max(1, Number(e.target.value) || 1) : null }
                      : x,
                  ),
                })
              }
            />
            min
          </span>
        ))}
        <button
          type="button"
          className={button}
          onClick={() => {
            const n = routing.groups.length + 1;
            set({ groups: [...routing.groups, { key: `group-${n}`, label: `Group ${n}` }] });
          }}
        >
          Add group
        </button>
        <label className="text-xs">
          Overflow goes to
          <select
            aria-label="Overflow group"
            className={`${field} ml-1`}
            value={routing.overflowGroup ?? ""}
            onChange={(e) => set({ overflowGroup: e.target.value || null })}
          >
            <option value="">every attending</option>
            {routing.groups.map((g) => (
              <option key={g.key} value={g.key}>
                {g.label}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs">
          Studies reach readers by
          <select
            aria-label="Assignment"
            className={`${field} ml-1`}
            value={routing.assignment ?? "pull"}
            onChange={(e) => set({ assignment: e.target.value as "pull" | "push" })}
          >
            <option value="pull">pull: Next case from a shared list</option>
            <option value="push">push: assigned to one reader each</option>
          </select>
        </label>
        <button
          type="button"
          className={`${button} ml-auto`}
          onClick={() => setScenario({ ...scenario, routing: undefined })}
        >
          Stop modelling groups
        </button>
      </div>
      <table className="text-xs">
        <thead className="text-left text-slate-600">
          <tr>
            <th className="py-1 pr-3">Reader</th>
            <th className="pr-3">Groups</th>
            <th className="pr-3">On duty (hours, department clock)</th>
            <th className="pr-3">Trainee</th>
            {routing.assignment === "push" && <th className="pr-3">Cap (RVUs open)</th>}
            <th />
          </tr>
        </thead>
        <tbody>
          {routing.readers.map((r, i) => {
            const span = hoursSpan(r.hours);
            return (
              <tr key={i} className="border-t border-slate-100">
                <td className="py-1 pr-3">
                  <input
                    aria-label={`Reader ${i + 1} name`}
                    className={`${field} w-32`}
                    value={r.name}
                    onChange={(e) => setReader(i, { name: e.target.value })}
                  />
                </td>
                <td className="pr-3">
                  {routing.groups.map((g) => (
                    <label key={g.key} className="mr-2 inline-flex items-center gap-0.5">
                      <input
                        type="checkbox"
                        aria-label={`${r.name} in ${g.label}`}
                        checked={r.groups.includes(g.key)}
                        onChange={(e) =>
                          setReader(i, {
                            groups: e.target.checked ? [...r.groups, g.key] : r.groups.filter((x) => x !== g.key),
                          })
                        }
                      />
                      {g.label}
                    </label>
                  ))}
                </td>
                <td className="pr-3">
                  <select
                    aria-label={`${r.name} from`}
                    className={field}
                    value={span.from}
                    onChange={(e) => setReader(i, { hours: spanHours(Number(e.target.value), span.to) })}
                  >
                    {HOURS.map((h) => (
                      <option key={h} value={h}>
                        {String(h).padStart(2, "0")}:00
                      </option>
                    ))}
                  </select>
                  {" – "}
                  <select
                    aria-label={`${r.name} to`}
                    className={field}
                    value={span.to}
                    onChange={(e) => setReader(i, { hours: spanHours(span.from, Number(e.target.value)) })}
                  >
                    {[...HOURS.slice(1), 24].map((h) => (
                      <option key={h} value={h}>
                        {String(h).padStart(2, "0")}:00
                      </option>
                    ))}
                  </select>
                </td>
                <td className="pr-3">
                  <input
                    type="checkbox"
                    aria-label={`${r.name} is a trainee`}
                    checked={r.trainee ?? false}
                    onChange={(e) => setReader(i, { trainee: e.target.checked })}
                  />
                </td>
                {routing.assignment === "push" && (
                  <td className="pr-3">
                    <input
                      aria-label={`${r.name} cap in RVUs`}
                      className={`${field} w-14 text-right`}
                      placeholder="none"
                      value={r.capRvu ?? ""}
                      onChange={(e) => {
                        const cap = Number(e.target.value);
                        setReader(i, { capRvu: e.target.value && cap > 0 ? cap : null });
                      }}
                    />
                  </td>
                )}
                <td>
                  <button
                    type="button"
                    className={button}
                    onClick={() => set({ readers: routing.readers.filter((_, j) => j !== i) })}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button
        type="button"
        className={button}
        onClick={() =>
          set({
            readers: [
              ...routing.readers,
              { name: `Reader ${routing.readers.length + 1}`, groups: [routing.groups[0]!.key] },
            ],
          })
        }
      >
        Add reader
      </button>
    </div>
  );
}

"use client";
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { simulate, type SimulationResult } from "@/lib/sim/simulate";
import type { ScenarioInput } from "@/lib/sim/scenario";
import { formatMinutes } from "@/lib/priority/engine";
import { useTRPC } from "../../trpc";
import { ReadingGroupsEditor } from "./reading-groups-editor";
import { axisTick, chartColour, gridStroke, tooltipStyle } from "../../_components/chart-theme";

type ClassRow = ScenarioInput["classes"][number];
const minutes = (v: number) => (Number.isFinite(v) ? formatMinutes(v) : "—");
const num = (v: string, fallback: number) => (Number.isFinite(Number(v)) && v.trim() !== "" ? Number(v) : fallback);

export function WhatIfView() {
  const trpc = useTRPC();
  const prefill = useQuery(trpc.whatIf.prefill.queryOptions());
  if (prefill.isPending) return <p className="text-sm text-slate-500">Reading the last 30 days…</p>;
  if (prefill.error)
    return (
      <p role="alert" className="text-sm text-red-700">
        {prefill.error.message}
      </p>
    );
  return <ScenarioEditor initial={prefill.data.scenario} basis={prefill.data.basis} />;
}

function ScenarioEditor({ initial, basis }: { initial: ScenarioInput; basis: string[] }) {
  const [scenario, setScenario] = useState<ScenarioInput>(initial);
  const [result, setResult] = useState<SimulationResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ms, setMs] = useState<number | null>(null);
  const input = "w-20 rounded border border-slate-300 px-1.5 py-0.5 text-right tabular-nums";

  function run() {
    try {
      const started = performance.now();
      setResult(simulate(scenario));
      setMs(Math.round(performance.now() - started));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }
  const setClass = (i: number, patch: Partial<ClassRow>) =>
    setScenario((s) => ({ ...s, classes: s.classes.map((c, j) => (j === i ? { ...c, ...patch } : c)) }));

  return (
    <div className="space-y-6">
      <ul className="list-disc pl-5 text-xs text-slate-500">
        {basis.map((b) => (
          <li key={b}>{b}</li>
        ))}
      </ul>
      <div className="flex flex-wrap items-end gap-4 rounded-xl border border-slate-200 bg-white p-4 text-sm">
        <label className={scenario.routing ? "text-slate-500" : undefined}>
          Readers on duty
          <input
            aria-label="Readers on duty"
            title={scenario.routing ? "The readers are named under Reading groups" : undefined}
            disabled={!!scenario.routing}
            className={`${input} ml-2`}
            value={String(scenario.readers)}
            onChange={(e) => setScenario({ ...scenario, readers: num(e.target.value, 1) })}
          />
        </label>
        <label>
          AI sensitivity
          <input
            aria-label="AI sensitivity"
            className={`${input} ml-2`}
            value={scenario.ai.sensitivity}
            onChange={(e) =>
              setScenario({ ...scenario, ai: { ...scenario.ai, sensitivity: num(e.target.value, 0.9) } })
            }
          />
        </label>
        <label>
          AI specificity
          <input
            aria-label="AI specificity"
            className={`${input} ml-2`}
            value={scenario.ai.specificity}
            onChange={(e) =>
              setScenario({ ...scenario, ai: { ...scenario.ai, specificity: num(e.target.value, 0.9) } })
            }
          />
        </label>
        <label>
          Max wait (min)
          <input
            aria-label="Max wait"
            className={`${input} ml-2`}
            value={scenario.priority?.maxWaitMinutes ?? ""}
            onChange={(e) =>
              setScenario({
                ...scenario,
                priority: { ...scenario.priority, maxWaitMinutes: e.target.value ? num(e.target.value, 240) : null },
              })
            }
          />
        </label>
        <label>
          AI-critical study, all readers busy
          <select
            aria-label="Interruptions"
            className="ml-2 rounded border border-slate-300 px-1.5 py-0.5"
            value={scenario.interruptions ?? "none"}
            onChange={(e) => setScenario({ ...scenario, interruptions: e.target.value as "none" | "critical" })}
          >
            <option value="none">waits for the next free reader</option>
            <option value="critical">interrupts a less urgent read</option>
          </select>
        </label>
        <label>
          Picks off the top (%)
          <input
            aria-label="Picks off the top"
            className={`${input} ml-2`}
            value={Math.round((scenario.claims?.offTopProbability ?? 0) * 100)}
            onChange={(e) =>
              setScenario({
                ...scenario,
                claims: {
                  fromTop: 5,
                  ...scenario.claims,
                  offTopProbability: Math.min(1, Math.max(0, num(e.target.value, 0) / 100)),
                },
              })
            }
          />
        </label>
        <label>
          Days
          <input
            aria-label="Days"
            className={`${input} ml-2`}
            value={scenario.days}
            onChange={(e) => setScenario({ ...scenario, days: num(e.target.value, 31) })}
          />
        </label>
        <button
          type="button"
          onClick={run}
          className="rounded-md bg-sky-700 px-4 py-1.5 font-medium text-white hover:bg-sky-800"
        >
          Run simulation
        </button>
        {ms !== null && <span className="text-xs text-slate-500">simulated in {ms} ms</span>}
      </div>
      <ReadingGroupsEditor scenario={scenario} setScenario={setScenario} />
      <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-100 text-xs uppercase text-slate-600">
            <tr>
              <th className="px-3 py-2">Class</th>
              <th className="px-3 py-2">Arrivals / h</th>
              <th className="px-3 py-2">Critical share</th>
              <th className="px-3 py-2">Mean read (min)</th>
              <th className="px-3 py-2">AI screens it</th>
              {scenario.routing && <th className="px-3 py-2">Group</th>}
            </tr>
          </thead>
          <tbody>
            {scenario.classes.map((c, i) => (
              <tr key={c.name} className="border-t border-slate-100">
                <td className="px-3 py-1.5">{c.name}</td>
                <td className="px-3 py-1.5">
                  <input
                    aria-label={`Arrivals per hour, ${c.name}`}
                    className={input}
                    value={String(c.arrivalsPerHour)}
                    onChange={(e) => setClass(i, { arrivalsPerHour: num(e.target.value, 0) })}
                  />
                </td>
                <td className="px-3 py-1.5">
                  <input
                    aria-label={`Critical share, ${c.name}`}
                    className={input}
                    value={c.criticalPrevalence ?? 0}
                    onChange={(e) => setClass(i, { criticalPrevalence: num(e.target.value, 0) })}
                  />
                </td>
                <td className="px-3 py-1.5">
                  <input
                    aria-label={`Mean read minutes, ${c.name}`}
                    className={input}
                    value={c.readMinutes.mean}
                    onChange={(e) => setClass(i, { readMinutes: { ...c.readMinutes, mean: num(e.target.value, 5) } })}
                  />
                </td>
                <td className="px-3 py-1.5">
                  <input
                    type="checkbox"
                    aria-label={`AI screens ${c.name}`}
                    checked={c.screened ?? true}
                    onChange={(e) => setClass(i, { screened: e.target.checked })}
                  />
                </td>
                {scenario.routing && (
                  <td className="px-3 py-1.5">
                    <select
                      aria-label={`Group, ${c.name}`}
                      className="rounded border border-slate-300 px-1.5 py-0.5"
                      value={c.group ?? scenario.routing.groups[0]?.key}
                      onChange={(e) => setClass(i, { group: e.target.value })}
                    >
                      {scenario.routing.groups.map((g) => (
                        <option key={g.key} value={g.key}>
                          {g.label}
                        </option>
                      ))}
                    </select>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          The scenario is not valid: {error}
        </p>
      )}
      {result && <Results result={result} />}
    </div>
  );
}

function Results({ result }: { result: SimulationResult }) {
  const data = useMemo(
    () =>
      result.results.map((r) => ({
        name: r.label,
        "Critical: mean": Math.round(r.criticalPositive.mean * 10) / 10,
        "Critical: 95th pct": Math.round(r.criticalPositive.p95 * 10) / 10,
        "Others: mean": Math.round(r.others.mean * 10) / 10,
        "Others: max": Math.round(r.others.max),
      })),
    [result],
  );
  return (
    <div className="space-y-4">
      <div role="status" className="rounded-xl border border-sky-200 bg-sky-50 p-4 text-sm text-sky-950">
        {result.summary.map((line) => (
          <p key={line}>{line}</p>
        ))}
        <p className="mt-1 text-xs text-sky-800">
          {result.scenario.arrivals.toLocaleString()} simulated arrivals over {result.scenario.days} days; offered load{" "}
          {Math.round(result.scenario.offeredUtilisation * 100)}% of reader time.
        </p>
      </div>
      <div className="h-80 rounded-xl border border-slate-200 bg-white p-4">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data}>
            <CartesianGrid strokeDasharray="3 3" stroke={gridStroke} />
            <XAxis dataKey="name" tick={axisTick} />
            <YAxis
              label={{ value: "minutes", angle: -90, position: "insideLeft", fontSize: 11, fill: axisTick.fill }}
              tick={axisTick}
            />
            <Tooltip {...tooltipStyle} />
            <Legend />
            <Bar dataKey="Critical: mean" fill={chartColour("red-600")} isAnimationActive={false} />
            <Bar dataKey="Critical: 95th pct" fill={chartColour("red-400")} isAnimationActive={false} />
            <Bar dataKey="Others: mean" fill={chartColour("sky-700")} isAnimationActive={false} />
            <Bar dataKey="Others: max" fill={chartColour("slate-400")} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="w-full rounded-xl border border-slate-200 bg-white text-left text-sm">
        <thead className="bg-slate-100 text-xs uppercase text-slate-600">
          <tr>
            <th className="px-3 py-2">Discipline</th>
            <th className="px-3 py-2">Critical mean / p95 / max</th>
            <th className="px-3 py-2">Others mean / p95 / max</th>
            <th className="px-3 py-2">Unflagged max (starvation)</th>
            <th className="px-3 py-2">Reader utilisation</th>
          </tr>
        </thead>
        <tbody>
          {result.results.map((r) => (
            <tr key={r.discipline} className="border-t border-slate-100 tabular-nums">
              <td className="px-3 py-1.5">{r.label}</td>
              <td className="px-3 py-1.5">
                {[r.criticalPositive.mean, r.criticalPositive.p95, r.criticalPositive.max].map(minutes).join(" / ")}
              </td>
              <td className="px-3 py-1.5">{[r.others.mean, r.others.p95, r.others.max].map(minutes).join(" / ")}</td>
              <td className="px-3 py-1.5">{minutes(r.unflagged.max)}</td>
              <td className="px-3 py-1.5">{Math.round(r.utilisation * 100)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ByClass result={result} />
      {result.byReader && <ByReader result={result} />}
    </div>
  );
}

/** Each class's waits under ReadNext (or the first discipline run): where a group or a shift falls short. */
function ByClass({ result }: { result: SimulationResult }) {
  const run = result.results.find((r) => r.discipline === "readnext") ?? result.results[0]!;
  return (
    <table className="w-full rounded-xl border border-slate-200 bg-white text-left text-sm">
      <caption className="px-3 py-2 text-left text-xs text-slate-500">By class, {run.label}</caption>
      <thead className="bg-slate-100 text-xs uppercase text-slate-600">
        <tr>
          <th className="px-3 py-2">Class</th>
          <th className="px-3 py-2">Critical mean / p95</th>
          <th className="px-3 py-2">Others mean / p95 / max</th>
        </tr>
      </thead>
      <tbody>
        {run.byClass.map((c) => (
          <tr key={c.name} className="border-t border-slate-100 tabular-nums">
            <td className="px-3 py-1.5">{c.name}</td>
            <td className="px-3 py-1.5">
              {[c.criticalPositive.mean, c.criticalPositive.p95].map(minutes).join(" / ")}
            </td>
            <td className="px-3 py-1.5">{[c.others.mean, c.others.p95, c.others.max].map(minutes).join(" / ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What each named reader read under ReadNext: how even the work is, pulled or pushed. */
function ByReader({ result }: { result: SimulationResult }) {
  const run = result.results.find((r) => r.discipline === "readnext") ?? result.results[0]!;
  return (
    <table className="w-full rounded-xl border border-slate-200 bg-white text-left text-sm">
      <caption className="px-3 py-2 text-left text-xs text-slate-500">By reader, {run.label}</caption>
      <thead className="bg-slate-100 text-xs uppercase text-slate-600">
        <tr>
          <th className="px-3 py-2">Reader</th>
          <th className="px-3 py-2">Studies read</th>
          <th className="px-3 py-2">Work RVUs</th>
        </tr>
      </thead>
      <tbody>
        {run.readers.map((r, i) => (
          <tr key={i} className="border-t border-slate-100 tabular-nums">
            <td className="px-3 py-1.5">{r.name}</td>
            <td className="px-3 py-1.5">{r.studies.toLocaleString()}</td>
            <td className="px-3 py-1.5">{r.rvu.toFixed(1)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "../../trpc";

type Source = inferRouterOutputs<AppRouter>["pacsSources"]["list"][number];
type Progress = { phase: string; pagesDone: number; studiesDone: number; studiesTotal: number };

function ago(date: Date | null): string {
  if (!date) return "never";
  const s = Math.round((Date.now() - new Date(date).getTime()) / 1000);
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

function SourceStatus({ s }: { s: Source }) {
  if (s.unavailableReason)
    return <span className="rounded bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">not available</span>;
  if (!s.enabled) return <span className="rounded bg-slate-200 px-2 py-0.5 text-xs text-slate-700">disabled</span>;
  if (s.consecutiveFailures > 0)
    return (
      <span className="rounded bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">
        failing ×{s.consecutiveFailures}
      </span>
    );
  if (!s.lastSuccessAt)
    return <span className="rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-800">not synced yet</span>;
  return <span className="rounded bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">ok</span>;
}

function SyncProgressBar({ progress }: { progress: Progress }) {
  const pct = progress.studiesTotal ? Math.round((100 * progress.studiesDone) / progress.studiesTotal) : 0;
  return (
    <div
      className="mt-1"
      role="progressbar"
      aria-valuenow={pct}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-label="Sync progress"
    >
      <div className="h-1.5 w-48 overflow-hidden rounded bg-slate-200">
        <div className="h-full bg-sky-600" style={{ width: `${pct}%` }} />
      </div>
      <div className="text-xs text-slate-500">
        {progress.phase === "listing"
          ? `listing: ${progress.pagesDone} pages, ${progress.studiesTotal} studies found`
          : `${progress.studiesDone} of ${progress.studiesTotal} studies stored`}
      </div>
    </div>
  );
}

export function SourcesAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sources = useQuery(trpc.pacsSources.list.queryOptions(undefined, { refetchInterval: 2000 }));
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.pacsSources.list.queryKey() });
  const syncNow = useMutation(trpc.pacsSources.syncNow.mutationOptions({ onSettled: refresh }));
  const setEnabled = useMutation(trpc.pacsSources.setEnabled.mutationOptions({ onSettled: refresh }));
  const test = useMutation(trpc.pacsSources.testConnection.mutationOptions());
  const [editing, setEditing] = useState<Source | "new" | null>(null);

  if (sources.isPending) return <p className="text-sm text-slate-500">Loading sources…</p>;
  if (sources.error)
    return (
      <p role="alert" className="text-sm text-red-700">
        Could not load sources: {sources.error.message}
      </p>
    );

  return (
    <div className="space-y-4">
      {sources.data.length === 0 && (
        <p className="text-sm text-slate-600">
          No PACS connected yet. Add a DICOMweb source, or set DICOMWEB_URL and restart.
        </p>
      )}
      {sources.data.length > 0 && (
        <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-100 text-xs uppercase text-slate-600">
              <tr>
                <th className="px-3 py-2">Source</th>
                <th className="px-3 py-2">Status</th>
                <th className="px-3 py-2">Last sync</th>
                <th className="px-3 py-2">Studies</th>
                <th className="px-3 py-2">Actions</th>
              </tr>
            </thead>
            <tbody>
              {sources.data.map((s) => (
                <tr key={s.id} data-testid={`source-row-${s.name}`} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2">
                    <div className="font-medium">
                      {s.name}
                      {s.managedByEnv && <span className="ml-2 text-xs text-slate-500">(from environment)</span>}
                    </div>
                    <div className="font-mono text-xs text-slate-500">{s.baseUrl}</div>
                  </td>
                  <td className="px-3 py-2">
                    <SourceStatus s={s} />
                    {s.unavailableReason && (
                      <div role="alert" className="mt-1 max-w-sm text-xs text-red-700">
                        {s.unavailableReason}
                      </div>
                    )}
                    {s.lastError && s.consecutiveFailures > 0 && (
                      <div className="mt-1 max-w-sm text-xs text-red-700">{s.lastError}</div>
                    )}
                    {s.retryAt && s.consecutiveFailures > 0 && (
                      <div className="text-xs text-slate-500">retrying {new Date(s.retryAt).toLocaleTimeString()}</div>
                    )}
                    {(s.writeResultsBack || s.writeBack.sent > 0) && (
                      <div className="mt-1 text-xs text-slate-600" data-testid="write-back-status">
                        AI results to PACS: {s.writeBack.sent} sent
                        {s.writeBack.waiting > 0 && `, ${s.writeBack.waiting} waiting to retry`}
                        {!s.writeResultsBack && " (now off)"}
                      </div>
                    )}
                    {s.writeBack.lastError && (
                      <div className="max-w-sm text-xs text-red-700">SR not accepted: {s.writeBack.lastError}</div>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    <div>{ago(s.lastSuccessAt)}</div>
                    {s.sweepRunning && s.syncProgress ? (
                      <SyncProgressBar progress={s.syncProgress as Progress} />
                    ) : null}
                    {s.syncRequestedAt && !s.sweepRunning && (
                      <div className="text-xs text-slate-500">sync requested…</div>
                    )}
                  </td>
                  <td className="px-3 py-2 tabular-nums">
                    {s.studyCount}
                    <div className="text-xs text-slate-500">newest {ago(s.newestStudySeenAt)}</div>
                  </td>
                  <td className="space-x-1 whitespace-nowrap px-3 py-2">
                    <button
                      type="button"
                      className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100"
                      onClick={() => test.mutate({ id: s.id })}
                    >
                      Test
                    </button>
                    <button
                      type="button"
                      className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100"
                      onClick={() => syncNow.mutate({ id: s.id })}
                    >
                      Sync now
                    </button>
                    <button
                      type="button"
                      className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100"
                      onClick={() => setEnabled.mutate({ id: s.id, enabled: !s.enabled })}
                    >
                      {s.enabled ? "Disable" : "Enable"}
                    </button>
                    <button
                      type="button"
                      className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100"
                      onClick={() => setEditing(s)}
                    >
                      Edit
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {test.data && (
        <p
          role="status"
          className={`rounded-md px-3 py-2 text-sm ${test.data.ok ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-800"}`}
        >
          {test.data.ok ? `Connection OK (${test.data.latencyMs} ms)` : `Connection failed: ${test.data.message}`}
        </p>
      )}
      {editing ? (
        <SourceForm
          key={editing === "new" ? "new" : editing.id}
          source={editing === "new" ? null : editing}
          onDone={() => {
            setEditing(null);
            refresh();
          }}
        />
      ) : (
        <button
          type="button"
          onClick={() => setEditing("new")}
          className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800"
        >
          Add a source
        </button>
      )}
    </div>
  );
}

function SourceForm({ source, onDone }: { source: Source | null; onDone: () => void }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.pacsSources.create.mutationOptions({ onSuccess: onDone }));
  const update = useMutation(trpc.pacsSources.update.mutationOptions({ onSuccess: onDone }));
  const test = useMutation(trpc.pacsSources.testConnection.mutationOptions());
  const [authType, setAuthType] = useState<"none" | "basic" | "bearer">(source?.authType ?? "none");
  const error = create.error ?? update.error ?? test.error;

  function read(form: HTMLFormElement) {
    const f = new FormData(form);
    const text = (k: string) => String(f.get(k) ?? "").trim();
    const secret = text("secret");
    return {
      name: text("name"),
      baseUrl: text("baseUrl"),
      qidoRoot: text("qidoRoot") || null,
      wadoRoot: text("wadoRoot") || null,
      stowRoot: text("stowRoot") || null,
      authType,
      username: text("username") || null,
      // Blank on edit keeps the stored password or token.
      secret: secret === "" && source ? undefined : secret || null,
      timeoutMs: Number(text("timeoutMs")),
      locationTag: text("locationTag"),
      backfillDays: Number(text("backfillDays")),
      syncIntervalSeconds: Number(text("syncIntervalSeconds")),
      enabled: f.get("enabled") === "on",
      writeResultsBack: f.get("writeResultsBack") === "on",
      capabilities: {
        includeField: f.get("includeField") === "on",
        transcoding: f.get("transcoding") === "on",
        orthancChangeFeed: f.get("orthancChangeFeed") === "on",
      },
    };
  }

  const input = "mt-1 block w-full rounded border border-slate-300 px-2 py-1";
  return (
    <form
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        const settings = read(e.currentTarget);
        if (source) update.mutate({ id: source.id, settings });
        else create.mutate(settings);
      }}
    >
      <h3 className="font-medium">{source ? `Edit ${source.name}` : "Add a DICOMweb source"}</h3>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <label>
          Name
          <input name="name" required maxLength={100} defaultValue={source?.name} className={input} />
        </label>
        <label className="col-span-2">
          DICOMweb root URL
          <input
            name="baseUrl"
            required
            defaultValue={source?.baseUrl}
            placeholder="https://pacs.example.org/dicom-web"
            className={input}
          />
        </label>
        <label>
          Timeout (ms)
          <input
            name="timeoutMs"
            type="number"
            min={500}
            max={300000}
            required
            defaultValue={source?.timeoutMs ?? 30000}
            className={input}
          />
        </label>
        <label>
          QIDO prefix
          <input name="qidoRoot" defaultValue={source?.qidoRoot ?? ""} placeholder="(none)" className={input} />
        </label>
        <label>
          WADO prefix
          <input name="wadoRoot" defaultValue={source?.wadoRoot ?? ""} placeholder="(none)" className={input} />
        </label>
        <label>
          STOW prefix
          <input name="stowRoot" defaultValue={source?.stowRoot ?? ""} placeholder="(none)" className={input} />
        </label>
        <label>
          Authentication
          <select value={authType} onChange={(e) => setAuthType(e.target.value as typeof authType)} className={input}>
            <option value="none">none</option>
            <option value="basic">basic</option>
            <option value="bearer">bearer token</option>
          </select>
        </label>
        {authType === "basic" && (
          <label>
            Username
            <input name="username" defaultValue={source?.username ?? ""} className={input} />
          </label>
        )}
        {authType !== "none" && (
          <label>
            {authType === "basic" ? "Password" : "Token"}
            <input name="secret" type="password" placeholder={source ? "(unchanged)" : ""} className={input} />
          </label>
        )}
        <label>
          Location tag
          <input name="locationTag" required defaultValue={source?.locationTag ?? "00380300"} className={input} />
        </label>
        <label>
          First sync and deep sweeps look back (days)
          <input
            name="backfillDays"
            type="number"
            min={0}
            max={3650}
            required
            defaultValue={source?.backfillDays ?? 2}
            className={input}
          />
        </label>
        <label>
          Sweep every (s)
          <input
            name="syncIntervalSeconds"
            type="number"
            min={5}
            max={86400}
            required
            defaultValue={source?.syncIntervalSeconds ?? 60}
            className={input}
          />
        </label>
      </div>
      <fieldset className="flex flex-wrap gap-4">
        <legend className="sr-only">Capabilities</legend>
        <label className="flex items-center gap-1">
          <input type="checkbox" name="enabled" defaultChecked={source?.enabled ?? true} />
          Enabled
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" name="includeField" defaultChecked={source?.capabilities.includeField ?? true} />
          QIDO includefield
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" name="transcoding" defaultChecked={source?.capabilities.transcoding ?? true} />
          Server-side transcoding
        </label>
        <label className="flex items-center gap-1">
          <input
            type="checkbox"
            name="orthancChangeFeed"
            defaultChecked={source?.capabilities.orthancChangeFeed ?? false}
          />
          Orthanc change feed
        </label>
      </fieldset>
      <label className="flex items-center gap-2">
        <input type="checkbox" name="writeResultsBack" defaultChecked={source?.writeResultsBack ?? false} />
        Write AI results back to this PACS (DICOM SR, a series &ldquo;ReadNext AI results&rdquo; in each study)
      </label>
      {error && (
        <p role="alert" className="text-red-700">
          {error.message}
        </p>
      )}
      {test.data && (
        <p role="status" className={test.data.ok ? "text-emerald-700" : "text-red-700"}>
          {test.data.ok ? `Connection OK (${test.data.latencyMs} ms)` : `Connection failed: ${test.data.message}`}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" className="rounded-md bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800">
          {source ? "Save" : "Add source"}
        </button>
        <button
          type="button"
          className="rounded-md border border-slate-300 px-3 py-1.5"
          onClick={(e) => {
            const form = e.currentTarget.form;
            if (form) test.mutate({ id: source?.id, settings: read(form) });
          }}
        >
          Test connection
        </button>
        <button type="button" className="rounded-md px-3 py-1.5 text-slate-600" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

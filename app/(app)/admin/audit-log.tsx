"use client";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";

export function AuditLog() {
  const trpc = useTRPC();
  const [who, setWho] = useState<"people" | "system" | "all">("people");
  const events = useQuery(trpc.audit.list.queryOptions({ limit: 50, who }));
  const filter = (
    <label className="mb-2 flex items-center gap-2 text-sm">
      Show
      <select
        value={who}
        onChange={(e) => setWho(e.target.value as typeof who)}
        className="rounded border border-slate-300 px-2 py-1"
      >
        <option value="people">what people did</option>
        <option value="system">automatic events (arrivals, AI scoring)</option>
        <option value="all">everything</option>
      </select>
    </label>
  );
  if (events.isPending)
    return (
      <>
        {filter}
        <p className="text-sm text-slate-500">Loading…</p>
      </>
    );
  if (events.error)
    return (
      <>
        {filter}
        <p role="alert" className="text-sm text-red-700">
          Could not load the audit log: {events.error.message}
        </p>
      </>
    );
  if (events.data.length === 0)
    return (
      <>
        {filter}
        <p className="text-sm text-slate-500">Nothing recorded yet.</p>
      </>
    );
  return (
    <>
      {filter}
      <ol className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm">
        {events.data.map((e) => (
          <li key={e.id} className="flex gap-4 px-3 py-2">
            <time className="w-44 shrink-0 tabular-nums text-slate-500" dateTime={e.at.toISOString()}>
              {e.at.toLocaleString()}
            </time>
            <span className="w-40 shrink-0">{e.actor?.name ?? "system"}</span>
            <span className="font-mono text-xs">{e.action}</span>
            <span className="truncate font-mono text-xs text-slate-500">{JSON.stringify(e.details)}</span>
          </li>
        ))}
      </ol>
    </>
  );
}

"use client";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { AUDIT_ACTION_WORDS, type AuditSearch } from "@/lib/audit-search";
import { useTRPC } from "../../trpc";

const EMPTY: AuditSearch = { who: "all" };
const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

function exportHref(search: AuditSearch): string {
  const params = new URLSearchParams(
    Object.entries(search).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  );
  return `/api/audit/export?${params}`;
}

function origin(details: unknown): string {
  const d = (details ?? {}) as { ip?: string | null; userAgent?: string | null };
  return [d.ip, d.userAgent?.replace(/\s*\(.*?\)\s*/g, " ").slice(0, 40)].filter(Boolean).join(" · ");
}

function otherDetails(details: unknown): string {
  if (!details || typeof details !== "object") return "";
  const rest = Object.entries(details).filter(([k]) => k !== "ip" && k !== "userAgent");
  return rest.length ? JSON.stringify(Object.fromEntries(rest)) : "";
}

/** The audit page: a search form, a page of events newest first, older pages, and CSV of every match. */
export function AuditSearchView() {
  const trpc = useTRPC();
  const [search, setSearch] = useState<AuditSearch>(EMPTY);
  // Cursors of the pages before this one: "Newer" pops back.
  const [cursors, setCursors] = useState<{ at: Date; id: string }[]>([]);
  const before = cursors.at(-1);
  const actions = useQuery(trpc.audit.actions.queryOptions());
  const page = useQuery(trpc.audit.search.queryOptions({ search, limit: 50, ...(before ? { before } : {}) }));

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim() || undefined;
    setSearch({
      person: text("person"),
      action: text("action"),
      study: text("study"),
      from: text("from"),
      to: text("to"),
      who: (text("who") as AuditSearch["who"]) ?? "all",
    });
    setCursors([]);
  }

  const rows = page.data?.rows ?? [];
  return (
    <div>
      <form onSubmit={onSubmit} aria-label="Search the audit log" className="grid grid-cols-2 gap-3 md:grid-cols-6">
        <label className="text-sm font-medium">
          Person
          <input name="person" placeholder="name or email" className={input} />
        </label>
        <label className="text-sm font-medium">
          Action
          <select name="action" className={input} defaultValue="">
            <option value="">any</option>
            {(actions.data ?? []).map((a) => (
              <option key={a} value={a}>
                {AUDIT_ACTION_WORDS[a] ?? a}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium">
          Study
          <input name="study" placeholder="accession or UID" className={input} />
        </label>
        <label className="text-sm font-medium">
          From
          <input name="from" type="date" className={input} />
        </label>
        <label className="text-sm font-medium">
          To
          <input name="to" type="date" className={input} />
        </label>
        <label className="text-sm font-medium">
          By
          <select name="who" className={input} defaultValue="all">
            <option value="all">people and the system</option>
            <option value="people">people</option>
            <option value="system">the system</option>
          </select>
        </label>
        <div className="col-span-2 flex items-center gap-3 md:col-span-6">
          <button
            type="submit"
            className="rounded-md bg-sky-700 px-4 py-1.5 text-sm font-medium text-white hover:bg-sky-800"
          >
            Search
          </button>
          <a
            href={exportHref(search)}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50"
          >
            Download CSV (every match)
          </a>
        </div>
      </form>

      {page.isError && (
        <p role="alert" className="mt-4 text-sm text-red-700">
          {page.error.message}
        </p>
      )}
      <table className="mt-4 w-full text-left text-sm" aria-label="Audit events">
        <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
          <tr>
            <th className="py-2 pr-3">When</th>
            <th className="py-2 pr-3">Who</th>
            <th className="py-2 pr-3">What</th>
            <th className="py-2 pr-3">Study</th>
            <th className="py-2 pr-3">From</th>
            <th className="py-2">Details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className="border-b border-slate-100 align-top">
              <td className="whitespace-nowrap py-1.5 pr-3 tabular-nums">{r.at.toLocaleString()}</td>
              <td className="py-1.5 pr-3">{r.actorName ?? <span className="text-slate-500">system</span>}</td>
              <td className="py-1.5 pr-3" title={r.action}>
                {AUDIT_ACTION_WORDS[r.action] ?? r.action}
              </td>
              <td className="py-1.5 pr-3 font-mono text-xs">{r.accessionNumber ?? r.studyInstanceUid ?? ""}</td>
              <td className="py-1.5 pr-3 text-xs">{origin(r.details)}</td>
              <td className="max-w-xs truncate py-1.5 font-mono text-xs" title={otherDetails(r.details)}>
                {otherDetails(r.details)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.isSuccess && rows.length === 0 && <p className="mt-3 text-sm text-slate-500">No events match.</p>}
      <div className="mt-3 flex gap-2">
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors((c) => c.slice(0, -1))}
          className="rounded-md border border-slate-300 px-3 py-1 text-sm disabled:opacity-50"
        >
          ← Newer
        </button>
        <button
          type="button"
          disabled={!page.data?.more}
          onClick={() => {
            const last = rows.at(-1);
            if (last) setCursors((c) => [...c, { at: last.at, id: last.id }]);
          }}
          className="rounded-md border border-slate-300 px-3 py-1 text-sm disabled:opacity-50"
        >
          Older →
        </button>
      </div>
    </div>
  );
}

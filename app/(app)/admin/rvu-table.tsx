"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { RvuTable } from "@/lib/routing/rvu";
import { useTRPC } from "../../trpc";
import { QueryFallback } from "../../_components/query-fallback";
import { downloadCsv } from "../../_components/csv";

const button = "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-40";
const field = "rounded border border-slate-300 px-1 py-0.5 text-xs";

/**
 * Work RVUs by modality and body part: push assignment balances readers by them, and the
 * chair's reads-by-reader table adds them up. Edit rows here, or import the site's own CSV.
 */
export function RvuTableAdmin() {
  const trpc = useTRPC();
  const table = useQuery(trpc.settings.rvu.queryOptions());
  // Kept here: the form below starts afresh (its key) when a save or an import changes the table.
  const [message, setMessage] = useState<string | null>(null);
  if (!table.data) return <QueryFallback error={table.error} what="the RVU table" />;
  return <RvuForm key={JSON.stringify(table.data)} saved={table.data} message={message} setMessage={setMessage} />;
}

function RvuForm({
  saved,
  message,
  setMessage,
}: {
  saved: RvuTable;
  message: string | null;
  setMessage: (m: string | null) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(saved);
  const done = (text: string) => () => {
    setMessage(text);
    void queryClient.invalidateQueries({ queryKey: trpc.settings.rvu.queryKey() });
  };
  const save = useMutation(
    trpc.settings.saveRvu.mutationOptions({ onSuccess: done("Saved. Workers re-weigh open studies within seconds.") }),
  );
  const importCsv = useMutation(
    trpc.settings.importRvuCsv.mutationOptions({
      onSuccess: (t) => done(`Imported ${t.rows.length} rows. Workers re-weigh open studies within seconds.`)(),
    }),
  );
  const error = save.error ?? importCsv.error;
  const setRow = (i: number, patch: Partial<RvuTable["rows"][number]>) =>
    setDraft({ ...draft, rows: draft.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });

  return (
    <div className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 text-xs">
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-1">
          Studies no row matches
          <input
            type="number"
            step="0.01"
            min={0}
            aria-label="Default RVU"
            className={`${field} w-20 text-right`}
            value={draft.defaultRvu}
            onChange={(e) => setDraft({ ...draft, defaultRvu: Number(e.target.value) })}
          />
          RVU
        </label>
        <label className={`${button} cursor-pointer`}>
          Import CSV…
          <input
            type="file"
            accept=".csv,text/csv"
            aria-label="Import RVU CSV"
            className="sr-only"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              setMessage(null);
              if (file) void file.text().then((csv) => importCsv.mutate({ csv }));
            }}
          />
        </label>
        <button
          type="button"
          className={button}
          onClick={() =>
            downloadCsv("rvu-table.csv", [
              ["modality", "body_part", "rvu", "note"],
              ...saved.rows.map((r) => [r.modality, r.bodyPart ?? "", String(r.rvu), r.note]),
            ])
          }
        >
          Download CSV
        </button>
        <span className="text-slate-500">
          CSV columns: modality, body_part (empty: any), rvu, note. A row for a modality and body part beats the
          modality&apos;s any-body-part row.
        </span>
      </div>
      <table className="w-full max-w-3xl">
        <thead className="text-left text-slate-600">
          <tr>
            <th className="py-1">Modality</th>
            <th>Body part</th>
            <th>Work RVU</th>
            <th>Note</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {draft.rows.map((r, i) => (
            <tr key={i} className="border-t border-slate-100">
              <td className="py-0.5">
                <input
                  aria-label={`Row ${i + 1} modality`}
                  className={`${field} w-16`}
                  value={r.modality}
                  onChange={(e) => setRow(i, { modality: e.target.value.toUpperCase() })}
                />
              </td>
              <td>
                <input
                  aria-label={`Row ${i + 1} body part`}
                  className={`${field} w-28`}
                  placeholder="any"
                  value={r.bodyPart ?? ""}
                  onChange={(e) => setRow(i, { bodyPart: e.target.value.toUpperCase() || null })}
                />
              </td>
              <td>
                <input
                  type="number"
                  step="0.01"
                  min={0}
                  aria-label={`Row ${i + 1} RVU`}
                  className={`${field} w-20 text-right`}
                  value={r.rvu}
                  onChange={(e) => setRow(i, { rvu: Number(e.target.value) })}
                />
              </td>
              <td>
                <input
                  aria-label={`Row ${i + 1} note`}
                  className={`${field} w-full`}
                  value={r.note}
                  onChange={(e) => setRow(i, { note: e.target.value })}
                />
              </td>
              <td>
                <button
                  type="button"
                  className={button}
                  aria-label={`Remove row ${i + 1}`}
                  onClick={() => setDraft({ ...draft, rows: draft.rows.filter((_, j) => j !== i) })}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex items-center gap-2">
        <button
          type="button"
          className={button}
          onClick={() =>
            setDraft({ ...draft, rows: [...draft.rows, { modality: "", bodyPart: null, rvu: 1, note: "" }] })
          }
        >
          Add row
        </button>
        <button
          type="button"
          className="rounded bg-sky-700 px-3 py-1 text-xs font-medium text-white hover:bg-sky-800 disabled:opacity-40"
          disabled={save.isPending}
          onClick={() => {
            setMessage(null);
            save.mutate(draft);
          }}
        >
          Save RVU table
        </button>
        {message && !error && <span className="text-emerald-700">{message}</span>}
        {error && (
          <span role="alert" className="text-red-700">
            {error.message}
          </span>
        )}
      </div>
    </div>
  );
}

"use client";
import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { AiFindings } from "./ai-findings";
import { formatPersonName } from "@/lib/dicom/person-name";
import { studyTitle } from "@/lib/study-title";

const ACTIONS: Record<string, string> = {
  "study.arrived": "arrived",
  "study.changed": "new images",
  "study.claim": "claimed",
  "study.claim-out-of-order": "claimed out of order",
  "study.skip": "skipped",
  "study.claim-broken": "claim broken",
  "study.read": "read",
  "study.override-pin": "pinned",
  "study.override-target": "target set",
  "study.override-cleared": "override cleared",
  "study.scored": "scored by AI",
  "study.not-applicable": "no applicable model",
  "study.ai-confirmed": "AI finding confirmed",
  "study.ai-dismissed": "AI finding dismissed",
};

/** What a history line adds after the action: the reason, or for AI scoring the model and its verdict. */
function historyDetail(action: string, details: unknown): string {
  if (typeof details !== "object" || details === null) return "";
  const d = details as {
    reason?: unknown;
    model?: unknown;
    version?: unknown;
    status?: unknown;
    probability?: unknown;
    critical?: unknown;
  };
  if (action === "study.scored") {
    const verdict =
      d.status === "SCORED"
        ? `${d.critical ? "critical " : ""}${typeof d.probability === "number" ? d.probability.toFixed(2) : ""}`
        : String(d.status ?? "")
            .toLowerCase()
            .replace("_", " ");
    return ` (${String(d.model)} ${String(d.version)}): ${verdict.trim()}${d.reason ? `, ${String(d.reason)}` : ""}`;
  }
  return d.reason ? `: ${String(d.reason)}` : "";
}

/** The open case: why it is here, its AI result, the viewer link, its history, and Mark read / Skip. */
export function StudyPanel({
  studyId,
  userId,
  focusOnOpen = false,
  onClose,
  onChanged,
  onDone,
}: {
  studyId: string;
  userId: string;
  /** Opened by the reader (Next case, Enter, a click): focus moves into the panel, on its heading. */
  focusOnOpen?: boolean;
  onClose: () => void;
  onChanged: () => void;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.worklist.study.queryOptions({ studyId }));
  const [skipping, setSkipping] = useState(false);
  const [reason, setReason] = useState("");
  const markRead = useMutation(trpc.worklist.markRead.mutationOptions({ onSuccess: onDone }));
  const skip = useMutation(trpc.worklist.skip.mutationOptions({ onSuccess: onDone }));
  const renew = useMutation(trpc.worklist.renewClaim.mutationOptions({ onError: onChanged }));
  const s = detail.data;
  const mine = s?.readingState === "CLAIMED" && s.claimedBy?.id === userId;

  // Keep the claim alive while the case is open; it lapses after the timeout once closed.
  useEffect(() => {
    if (!mine || !s) return;
    const every = Math.max(30_000, (s.claimTimeoutMinutes * 60_000) / 3);
    const timer = setInterval(() => renew.mutate({ studyId }), every);
    return () => clearInterval(timer);
  }, [mine, s, studyId, renew]);

  const panel = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnOpen) heading.current?.focus();
  }, [focusOnOpen, studyId]);

  // The open case's keys. Each one presses the control that declares it (aria-keyshortcuts), so the
  // keys, the buttons and the "?" help cannot drift apart; a key whose control is not shown does nothing.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if ((e.target as HTMLElement).closest("input, textarea, select, [role=dialog]")) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "Escape") return onClose();
      const key = e.key.length === 1 ? e.key.toUpperCase() : null;
      if (!key || !"RSVCD".includes(key)) return;
      const control = panel.current?.querySelector<HTMLElement>(`[aria-keyshortcuts="${key}"]:not([disabled])`);
      if (!control) return;
      e.preventDefault();
      control.click();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  return (
    <aside
      ref={panel}
      aria-label="Study"
      className="w-[26rem] max-w-[45%] shrink-0 space-y-4 rounded-xl border border-slate-200 bg-white p-4 text-sm"
    >
      <div className="flex items-start justify-between">
        <h2
          ref={heading}
          tabIndex={-1}
          className="text-base font-semibold outline-none focus-visible:ring-2 focus-visible:ring-sky-600"
        >
          {s ? (formatPersonName(s.patientName) ?? "Unknown patient") : "Loading…"}
        </h2>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close panel"
          className="text-slate-500 hover:text-slate-700"
        >
          ✕
        </button>
      </div>
      {detail.error && (
        <p role="alert" className="text-red-700">
          {detail.error.message}
        </p>
      )}
      {s && (
        <>
          <dl className="grid grid-cols-[7rem_1fr] gap-y-1 text-xs">
            <dt className="text-slate-500">MRN</dt>
            <dd>{s.patientId ?? "—"}</dd>
            <dt className="text-slate-500">Accession</dt>
            <dd className="font-mono" data-testid="panel-accession">
              {s.accessionNumber ?? "—"}
            </dd>
            <dt className="text-slate-500">Study</dt>
            <dd>{studyTitle(s.modalities, s.description)}</dd>
            <dt className="text-slate-500">Series</dt>
            <dd>
              {s.series.map((x) => `${x.description ?? x.modality ?? "?"} (${x.numberOfInstances})`).join(", ") || "—"}
            </dd>
            <dt className="text-slate-500">Order</dt>
            <dd>
              {s.orderPriority ?? `not given${s.orderPriorityRaw ? ` ("${s.orderPriorityRaw}")` : ""}`} ·{" "}
              {s.patientLocation.toLowerCase()}
              {s.patientLocationRaw ? ` (${s.patientLocationRaw})` : ""}
            </dd>
            {(s.reasonForExam || s.orderingProvider || s.procedureCode) && (
              <>
                <dt className="text-slate-500">Reason for exam</dt>
                <dd data-testid="panel-reason">{s.reasonForExam ?? "—"}</dd>
                <dt className="text-slate-500">Ordered by</dt>
                <dd data-testid="panel-ordered-by">
                  {s.orderingProvider ?? "—"}
                  {s.procedureCode ? ` · procedure ${s.procedureCode}` : ""}
                </dd>
              </>
            )}
            <dt className="text-slate-500">Status</dt>
            <dd data-testid="panel-status">
              {mine
                ? "open by you"
                : s.readingState === "CLAIMED"
                  ? `claimed by ${s.claimedBy?.name}`
                  : s.readingState === "CANCELLED"
                    ? `order cancelled in the RIS${s.cancelReason ? `: ${s.cancelReason}` : ""}`
                    : s.readingState.toLowerCase()}
            </dd>
          </dl>
          <div>
            <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">Why it is here</h3>
            <ul className="list-disc space-y-0.5 pl-4 text-xs">
              {s.priority.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </div>
          <div>
            <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">AI</h3>
            <AiFindings results={s.aiResults} series={s.series} onChanged={() => void detail.refetch()} />
          </div>
          <div className="flex flex-wrap gap-2">
            <a
              href={s.viewerLink}
              target="_blank"
              rel="noreferrer"
              aria-keyshortcuts="V"
              className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100"
            >
              Open in viewer ↗ <kbd className="text-xs">V</kbd>
            </a>
            {mine && (
              <button
                type="button"
                onClick={() => markRead.mutate({ studyId })}
                disabled={markRead.isPending}
                aria-keyshortcuts="R"
                className="rounded-md bg-emerald-700 px-3 py-1.5 font-medium text-white hover:bg-emerald-800"
              >
                Mark read <kbd className="text-xs">R</kbd>
              </button>
            )}
            {mine && !skipping && (
              <button
                type="button"
                onClick={() => setSkipping(true)}
                aria-keyshortcuts="S"
                className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100"
              >
                Skip… <kbd className="text-xs">S</kbd>
              </button>
            )}
          </div>
          {skipping && (
            <form
              className="flex gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                skip.mutate({ studyId, reason });
              }}
            >
              <input
                autoFocus
                required
                minLength={3}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                placeholder="Why skip? e.g. outside my subspecialty"
                className="flex-1 rounded border border-slate-300 px-2 py-1 text-xs"
              />
              <button type="submit" className="rounded bg-slate-700 px-2 py-1 text-xs text-white">
                Skip
              </button>
            </form>
          )}
          {(markRead.error ?? skip.error) && (
            <p role="alert" className="text-xs text-red-700">
              {(markRead.error ?? skip.error)!.message}
            </p>
          )}
          <div>
            <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">History</h3>
            <ol className="space-y-0.5 text-xs text-slate-600">
              {s.history.map((h) => (
                <li key={h.id}>
                  <time className="tabular-nums">{new Date(h.at).toLocaleTimeString()}</time>{" "}
                  {ACTIONS[h.action] ?? h.action}
                  {h.actor ? ` by ${h.actor.name}` : ""}
                  {historyDetail(h.action, h.details)}
                </li>
              ))}
            </ol>
          </div>
        </>
      )}
    </aside>
  );
}

"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "../../trpc";

type StudyDetail = inferRouterOutputs<AppRouter>["worklist"]["study"];
type AiResult = StudyDetail["aiResults"][number];
type Series = StudyDetail["series"][number];

const FINDING_WORDS: Record<string, string> = {
  "intracranial-bleed": "intracranial bleed",
  pneumothorax: "pneumothorax",
};
const words = (code: string | null) => (code ? (FINDING_WORDS[code] ?? code.replaceAll("-", " ")) : "finding");

/** `shortcuts`: this result's buttons answer C and D (the first result shown, so a key never means two things). */
function Feedback({ result, onSaved, shortcuts }: { result: AiResult; onSaved: () => void; shortcuts: boolean }) {
  const trpc = useTRPC();
  const [comment, setComment] = useState(result.myFeedback?.comment ?? "");
  const give = useMutation(trpc.worklist.aiFeedback.mutationOptions({ onSuccess: onSaved }));
  const mine = result.myFeedback?.verdict;
  const button = (verdict: "confirmed" | "dismissed", label: string, tone: string) => (
    <button
      type="button"
      disabled={give.isPending}
      aria-keyshortcuts={shortcuts ? (verdict === "confirmed" ? "C" : "D") : undefined}
      aria-pressed={mine === verdict}
      onClick={() => give.mutate({ aiResultId: result.id, verdict, comment: comment || null })}
      className={`rounded-md px-2.5 py-1 text-xs font-medium ${mine === verdict ? `${tone} text-white` : "border border-slate-300 hover:bg-slate-100"}`}
    >
      {label}
      {shortcuts && <kbd className="ml-1 text-[10px] opacity-80">{verdict === "confirmed" ? "C" : "D"}</kbd>}
    </button>
  );
  return (
    <div className="mt-2 space-y-1.5">
      <div className="flex items-center gap-2">
        {button(
          "confirmed",
          result.critical || result.urgent ? "Confirm finding" : "Agree: no finding",
          "bg-emerald-700",
        )}
        {button(
          "dismissed",
          result.critical || result.urgent ? "Dismiss finding" : "Disagree: finding missed",
          "bg-slate-700",
        )}
        {mine && (
          <span className="text-xs text-slate-500" data-testid="ai-feedback-state">
            you {mine} it
          </span>
        )}
      </div>
      <input
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        maxLength={500}
        placeholder="Comment (optional)"
        aria-label="AI feedback comment"
        className="w-full rounded border border-slate-300 px-2 py-1 text-xs"
      />
      {give.error && (
        <p role="alert" className="text-xs text-red-700">
          {give.error.message}
        </p>
      )}
    </div>
  );
}

/** Where to find the key slice in the viewer: its InstanceNumber ("image 24") and series, as PACS viewers label them. */
function keySliceWhere(a: AiResult, series: Series[]): string {
  const image =
    a.keySliceInstanceNumber !== null
      ? `image ${a.keySliceInstanceNumber}`
      : `slice ${(a.keySliceIndex ?? 0) + 1} in position order`;
  const s = series.find((x) => x.seriesInstanceUid === a.seriesInstanceUid);
  if (!s) return image;
  return `${image} of series ${s.seriesNumber ?? "?"}${s.description ? ` (${s.description})` : ""}`;
}

/** The AI's results on this study: finding, key-slice preview, model card, and the reader's confirm / dismiss. */
export function AiFindings({
  results,
  series,
  onChanged,
}: {
  results: AiResult[];
  series: Series[];
  onChanged: () => void;
}) {
  if (results.length === 0) return <p className="text-xs text-slate-500">AI has not scored this study yet.</p>;
  const withShortcuts = results.find((a) => a.status === "SCORED" && a.current && !a.shadow)?.id;
  return (
    <ul className="space-y-3">
      {results.map((a) => (
        <li
          key={a.id}
          data-testid="ai-result"
          data-shadow={a.shadow}
          className={`rounded-lg border p-2 ${a.shadow ? "border-dashed border-purple-300 bg-purple-50/40" : a.critical ? "border-red-300 bg-red-50" : "border-slate-200"} ${a.current ? "" : "opacity-60"}`}
        >
          {a.shadow && (
            <div className="mb-1 text-xs font-medium text-purple-800">
              Shadow mode: measured only, not used to order the worklist
            </div>
          )}
          <div className="flex items-baseline justify-between gap-2 text-xs">
            <span className={a.critical ? "font-semibold text-red-800" : "font-medium"}>
              {a.status === "SCORED"
                ? `${a.critical ? "Suspected" : a.urgent ? "Possible" : "No"} ${words(a.finding)} · ${a.probability?.toFixed(2)}`
                : a.status === "FAILED"
                  ? `AI unavailable: ${a.reason ?? "scoring failed"}`
                  : `Not applicable: ${a.reason ?? ""}`}
            </span>
            <a href={a.modelCardUrl} target="_blank" rel="noreferrer" className="shrink-0 text-sky-700 underline">
              {a.modelId} {a.modelVersion}
            </a>
          </div>
          {!a.current && (
            <div className="text-xs text-slate-500">
              for an earlier version of the study (revision {a.studyRevision})
            </div>
          )}
          {a.previewUrl && (
            <figure className="mt-2">
              {/* eslint-disable-next-line @next/next/no-img-element -- a small PNG from our own API, no optimisation wanted */}
              <img
                src={a.previewUrl}
                alt={`Key slice (${keySliceWhere(a, series)}) for ${words(a.finding)}`}
                className="w-full max-w-[16rem] rounded bg-black"
              />
              <figcaption className="text-xs text-slate-500" data-testid="key-slice-caption">
                Most suspicious slice: {keySliceWhere(a, series)} · slice score {a.keySliceProbability?.toFixed(2)}
              </figcaption>
            </figure>
          )}
          {a.status === "SCORED" && a.current && !a.shadow && (
            <Feedback result={a} onSaved={onChanged} shortcuts={a.id === withShortcuts} />
          )}
          <p className="mt-1 text-[10px] uppercase tracking-wide text-slate-500">
            For worklist prioritisation only: not a diagnosis
          </p>
        </li>
      ))}
    </ul>
  );
}

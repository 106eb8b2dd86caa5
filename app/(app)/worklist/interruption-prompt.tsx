"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";

/**
 * Push assignment with interruptions: an urgent study assigned to this reader while they read a
 * less urgent case asks whether to interrupt it. Accepting opens the urgent study (the paused
 * case stays theirs and reopens when they finish); declining sends it to someone else. Unanswered,
 * it goes back out after two minutes.
 */
export function InterruptionPrompt({ onAccepted }: { onAccepted: (studyId: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Live events refetch it too (worklist-view.tsx); the poll catches a question asked between them.
  const ask = useQuery(trpc.worklist.interruption.queryOptions(undefined, { refetchInterval: 5_000 }));
  const answer = useMutation(
    trpc.worklist.answerInterruption.mutationOptions({
      onSuccess: (r) => {
        if (r.accepted) onAccepted(r.studyId);
      },
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.worklist.interruption.queryKey() }),
    }),
  );
  const q = ask.data;
  if (!q)
    return answer.error ? (
      <p role="status" className="mb-3 text-sm text-amber-900">
        {answer.error.message}
      </p>
    ) : null;
  const why = [
    q.study.aiStatus === "critical" ? `AI critical${q.study.aiFinding ? `: ${q.study.aiFinding}` : ""}` : null,
    q.study.orderPriority === "STAT" ? "STAT order" : null,
    q.study.patientLocation ? `from ${q.study.patientLocation}` : null,
  ].filter(Boolean);
  return (
    <div
      role="alertdialog"
      aria-label="Urgent study: interrupt your case?"
      className="mb-3 rounded-md border-2 border-red-600 bg-red-50 px-3 py-2 text-sm text-red-900"
    >
      <p className="font-semibold">
        Urgent: {q.study.accessionNumber ?? "a study"} · {q.study.description ?? q.study.modalities.join("/")}
        {why.length ? ` (${why.join(", ")})` : ""} is assigned to you.
      </p>
      <p className="mt-1">
        Interrupt {q.paused.accessionNumber ?? "your case"}
        {q.paused.description ? ` · ${q.paused.description}` : ""}? It stays yours and reopens when you finish the
        urgent study. Unanswered, it goes to someone else at{" "}
        {new Date(q.answerBy).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })}.
      </p>
      <div className="mt-2 flex gap-2">
        <button
          type="button"
          disabled={answer.isPending}
          onClick={() => answer.mutate({ id: q.id, accept: true })}
          className="rounded bg-red-700 px-3 py-1 font-semibold text-white hover:bg-red-800 disabled:opacity-60"
        >
          Interrupt and read it now
        </button>
        <button
          type="button"
          disabled={answer.isPending}
          onClick={() => answer.mutate({ id: q.id, accept: false })}
          className="rounded border border-red-700 px-3 py-1 text-red-800 hover:bg-red-100 disabled:opacity-60"
        >
          Finish my case first
        </button>
      </div>
      {answer.error && <p className="mt-1">{answer.error.message}</p>}
    </div>
  );
}

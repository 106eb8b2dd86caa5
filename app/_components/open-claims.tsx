"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../trpc";
import { useNow } from "./use-now";
import { formatMinutes, minutesBetween } from "./time";
import { formatPersonName } from "@/lib/dicom/person-name";
import { studyTitle } from "@/lib/study-title";
import { ReasonForm } from "./reason-form";

const since = (from: string | Date, now: Date) => Math.max(0, minutesBetween(new Date(from), now));

/** Cases radiologists hold open, with a chair's, scheduler's or admin's lever to free one (audited, with a reason). */
export function OpenClaims() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(15_000);
  const claims = useQuery({ ...trpc.worklist.openClaims.queryOptions(), refetchInterval: 10_000 });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.worklist.openClaims.queryKey() });
  const breakClaim = useMutation(trpc.worklist.breakClaim.mutationOptions({ onSuccess: refresh, onError: refresh }));
  const [breaking, setBreaking] = useState<string | null>(null);

  if (claims.error)
    return (
      <p role="alert" className="text-sm text-red-700">
        {claims.error.message}
      </p>
    );
  if (!claims.data) return <p className="text-sm text-slate-500">Loading…</p>;
  return (
    <div className="space-y-2">
      {breakClaim.error && (
        <p role="alert" className="text-sm text-red-700">
          {breakClaim.error.message}
        </p>
      )}
      {claims.data.length === 0 ? (
        <p className="text-sm text-slate-500">No radiologist has a case open.</p>
      ) : (
        <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-100 text-xs uppercase text-slate-600">
              <tr>
                <th className="px-3 py-2">Study</th>
                <th className="px-3 py-2">Open by</th>
                <th className="px-3 py-2">Held</th>
                <th className="px-3 py-2">Last activity</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody>
              {claims.data.map((c) => (
                <tr
                  key={c.id}
                  data-testid={`open-claim-${c.accessionNumber ?? c.id}`}
                  className="border-t border-slate-100 align-top"
                >
                  <td className="px-3 py-2">
                    <div className="font-mono text-xs">{c.accessionNumber ?? "no accession"}</div>
                    <div>{studyTitle(c.modalities, c.description)}</div>
                    <div className="text-xs text-slate-500">{formatPersonName(c.patientName) ?? "Unknown patient"}</div>
                  </td>
                  <td className="px-3 py-2">{c.claimedBy?.name ?? "unknown user"}</td>
                  <td className="px-3 py-2 tabular-nums">
                    {c.claimedAt
                      ? since(c.claimedAt, now) < 1
                        ? "under 1 min"
                        : formatMinutes(since(c.claimedAt, now))
                      : "—"}
                  </td>
                  <td className={`px-3 py-2 ${c.lapsed ? "text-amber-700" : ""}`}>
                    {!c.lastActivityAt
                      ? "none"
                      : since(c.lastActivityAt, now) < 1
                        ? "just now"
                        : `${formatMinutes(since(c.lastActivityAt, now))} ago`}
                    {c.lapsed && <div className="text-xs">lapsed: Next case may give it to anyone</div>}
                  </td>
                  <td className="px-3 py-2 text-xs">
                    {breaking === c.id ? (
                      <ReasonForm
                        submitLabel="Break claim"
                        placeholder="why (e.g. left for the day)"
                        danger
                        onCancel={() => setBreaking(null)}
                        onSubmit={(reason) => {
                          breakClaim.mutate({ studyId: c.id, reason });
                          setBreaking(null);
                        }}
                      />
                    ) : (
                      <button
                        type="button"
                        className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100"
                        onClick={() => setBreaking(c.id)}
                      >
                        Break claim…
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

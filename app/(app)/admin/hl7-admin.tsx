"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";

const when = (d: Date | string) => new Date(d).toLocaleString();

/** The HL7 listener's state and the last messages it refused, with their errors (nothing is lost silently). */
export function Hl7Admin() {
  const trpc = useTRPC();
  const status = useQuery(trpc.hl7.status.queryOptions());
  const refused = useQuery(trpc.hl7.refused.queryOptions());
  if (status.error || refused.error)
    return (
      <p role="alert" className="text-sm text-red-700">
        Could not load the HL7 status: {(status.error ?? refused.error)!.message}
      </p>
    );
  if (!status.data || !refused.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const s = status.data;
  return (
    <div className="space-y-3 text-sm" data-testid="hl7-admin">
      <p>
        {s.listening ? (
          <>
            Listening for HL7 v2 (MLLP) on{" "}
            <span className="font-mono">
              {s.listening.host}:{s.listening.port}
            </span>
            .
          </>
        ) : (
          <>No HL7 listener: set HL7_PORT to take orders from the RIS.</>
        )}{" "}
        Last day: {s.lastDay.accepted} accepted, {s.lastDay.ignored} with nothing for ReadNext, {s.lastDay.refused}{" "}
        refused.
        {s.lastReceivedAt && <> Last message {when(s.lastReceivedAt)}.</>}
      </p>
      <h3 className="font-semibold">
        Refused messages (last {refused.data.length === 100 ? 100 : refused.data.length})
      </h3>
      {refused.data.length === 0 ? (
        <p className="text-slate-500">None.</p>
      ) : (
        <ol className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white" data-testid="hl7-refused">
          {refused.data.map((m) => (
            <li key={m.id} className="p-2">
              <div className="flex flex-wrap gap-x-3 text-xs text-slate-500">
                <span>{when(m.receivedAt)}</span>
                <span>{m.messageType ?? "unreadable"}</span>
                {m.controlId && <span>control ID {m.controlId}</span>}
                {m.sendingApplication && <span>from {m.sendingApplication}</span>}
                {m.remoteAddress && <span>{m.remoteAddress}</span>}
                <span>{m.ackCode ? `answered ${m.ackCode}` : "connection closed"}</span>
              </div>
              <p className="text-red-800">{m.detail}</p>
              <details>
                <summary className="cursor-pointer text-xs text-slate-500">Message text</summary>
                <pre className="max-h-48 overflow-auto whitespace-pre-wrap break-all bg-slate-50 p-2 text-xs">
                  {m.text.replace(/\r/g, "\n")}
                </pre>
              </details>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

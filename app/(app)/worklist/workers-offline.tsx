"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";

/**
 * Tells readers when no worker runs: then nothing new arrives from the PACS and AI flags
 * nothing, so the list is ordered by order priority and waiting time alone.
 */
export function WorkersOffline() {
  const trpc = useTRPC();
  const status = useQuery(trpc.worklist.workersOnline.queryOptions(undefined, { refetchInterval: 15_000 }));
  if (!status.data || status.data.online) return null;
  const since = status.data.lastSeenAt
    ? ` since ${new Date(status.data.lastSeenAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`
    : "";
  return (
    <p
      role="alert"
      data-testid="workers-offline"
      className="mb-3 rounded-md border border-amber-400 bg-amber-50 px-3 py-2 text-sm text-amber-900"
    >
      <strong>AI triage and PACS sync are stopped{since}.</strong> No ReadNext worker is running: new studies are not
      arriving from the PACS and AI is not scoring, so nothing new will be flagged. Tell your ReadNext administrator.
    </p>
  );
}

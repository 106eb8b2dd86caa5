"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";

/** While routing is on: the reader's groups and their on/off duty switch (off duty, their groups may overflow to others). */
export function DutySwitch() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Refetched every minute: shift edges move the switch without the reader touching it.
  const me = useQuery(trpc.routing.me.queryOptions(undefined, { refetchInterval: 60_000 }));
  const setDuty = useMutation(
    trpc.routing.setMyDuty.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.routing.me.queryKey() }),
    }),
  );
  if (!me.data?.routing) return null;
  return (
    <span className="flex items-center gap-2 text-xs text-slate-600" data-testid="duty">
      <span>
        {me.data.groups.length ? me.data.groups.join(", ") : "no group"}
        {me.data.trainee ? " · trainee" : ""}
      </span>
      <button
        type="button"
        role="switch"
        aria-checked={me.data.onDuty}
        aria-label="On duty"
        onClick={() => setDuty.mutate({ onDuty: !me.data.onDuty })}
        className={`rounded-full px-2 py-0.5 font-medium ${me.data.onDuty ? "bg-emerald-100 text-emerald-800" : "bg-slate-200 text-slate-600"}`}
      >
        {me.data.onDuty ? "On duty" : "Off duty"}
      </button>
      {me.data.shift && <span data-testid="next-shift">{me.data.shift}</span>}
      {setDuty.error && <span role="alert">{setDuty.error.message}</span>}
    </span>
  );
}

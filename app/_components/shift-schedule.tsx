"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { clockText, WEEKDAYS, type ShiftEntry } from "@/lib/routing/shifts";
import { useTRPC } from "../trpc";
import { QueryFallback } from "./query-fallback";

type Schedules = inferRouterOutputs<AppRouter>["routing"]["schedules"];
type ReaderSchedule = Schedules["readers"][number];

const button = "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-40";
const field = "rounded border border-slate-300 px-1 py-0.5 text-xs";

/** A saved shift back into what saveShifts takes. */
const toInput = (s: ShiftEntry) => ({
  weekday: s.weekday,
  date: s.date,
  start: clockText(s.startMinute),
  end: clockText(s.endMinute),
  groups: s.groups,
  off: s.off,
});

/**
 * Who covers which groups when: each reader's weekly shifts by weekday and their one-off
 * changes (an extra shift, or a date off). Readers go on and off duty at shift edges by
 * themselves; the duty switch still works in between. Admins and schedulers edit.
 */
export function ShiftSchedule() {
  const trpc = useTRPC();
  const schedules = useQuery(trpc.routing.schedules.queryOptions(undefined, { refetchInterval: 30_000 }));
  const routing = useQuery(trpc.routing.get.queryOptions());
  if (!schedules.data) return <QueryFallback error={schedules.error} what="shifts" />;
  if (!routing.data) return <QueryFallback error={routing.error} what="routing" />;
  const label = (g: string) => routing.data.config.groups.find((x) => x.key === g)?.label ?? g;
  if (schedules.data.readers.length === 0) return <p className="text-sm text-slate-500">No radiologists yet.</p>;
  return (
    <div className="space-y-2">
      <p className="text-xs text-slate-500">
        Times are the department&apos;s clock ({schedules.data.timeZone}). A shift whose end is not after its start runs
        past midnight. A reader without shifts is on or off duty by their switch alone.
      </p>
      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
        <table className="w-full text-xs">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-2 py-1.5">Reader</th>
              <th className="px-2 py-1.5">Now</th>
              {WEEKDAYS.map((d) => (
                <th key={d} className="px-2 py-1.5">
                  {d.slice(0, 3)}
                </th>
              ))}
              <th className="px-2 py-1.5">One-off changes</th>
            </tr>
          </thead>
          <tbody>
            {schedules.data.readers.map((r) => (
              <ReaderShifts key={r.id} reader={r} label={label} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function nowText(r: ReaderSchedule, label: (g: string) => string): string {
  const duty = r.onDuty ? "on duty" : "off duty";
  if (!r.scheduled) return `${duty} (no shifts)`;
  const groups = r.coveringGroups.length ? `: ${r.coveringGroups.map(label).join(", ")}` : "";
  if (r.scheduled.onDuty === r.onDuty) return `${duty}${r.onDuty ? `, on shift${groups}` : ", no shift now"}`;
  return r.onDuty ? `${duty} (no shift now: switched on)` : `${duty} (on shift: switched off)`;
}

function ReaderShifts({ reader, label }: { reader: ReaderSchedule; label: (g: string) => string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useMutation(
    trpc.routing.saveShifts.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.routing.schedules.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.routing.readers.queryKey() });
      },
    }),
  );
  const saveAll = (shifts: ShiftEntry[]) => save.mutate({ userId: reader.id, shifts: shifts.map(toInput) });
  const remove = (i: number) => saveAll(reader.shifts.filter((_, j) => j !== i));
  const chip = (s: ReaderSchedule["shifts"][number], i: number) => (
    <span
      key={i}
      className={`mb-0.5 mr-1 inline-flex items-center gap-1 rounded px-1 ${s.off ? "bg-slate-200 text-slate-700" : "bg-sky-50 text-sky-900"}`}
    >
      {s.date ? `${s.date}${s.off ? " off" : ""} ` : ""}
      {clockText(s.startMinute)}–{clockText(s.endMinute)}
      {s.groups.length > 0 && <span className="text-slate-500">({s.groups.map(label).join(", ")})</span>}
      <button
        type="button"
        aria-label={`Remove ${s.text}`}
        className="text-slate-500 hover:text-red-700"
        disabled={save.isPending}
        onClick={() => remove(i)}
      >
        ×
      </button>
    </span>
  );
  return (
    <>
      <tr className="border-t border-slate-100 align-top" aria-label={`Shifts of ${reader.name}`}>
        <td className="px-2 py-1.5 font-medium">{reader.name}</td>
        <td className={`px-2 py-1.5 ${reader.onDuty ? "text-emerald-700" : "text-slate-500"}`}>
          {nowText(reader, label)}
        </td>
        {WEEKDAYS.map((d, w) => (
          <td key={d} className="px-2 py-1.5">
            {reader.shifts.map((s, i) => (s.weekday === w + 1 ? chip(s, i) : null))}
          </td>
        ))}
        <td className="px-2 py-1.5">{reader.shifts.map((s, i) => (s.date ? chip(s, i) : null))}</td>
      </tr>
      <tr>
        <td colSpan={10} className="px-2 pb-2">
          <AddShift
            reader={reader}
            label={label}
            pending={save.isPending}
            onAdd={(s) => saveAll([...reader.shifts, s])}
          />
          {save.error && (
            <p role="alert" className="mt-1 text-red-700">
              {save.error.message}
            </p>
          )}
        </td>
      </tr>
    </>
  );
}

const toMinutes = (v: string) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3, 5));

function AddShift({
  reader,
  label,
  pending,
  onAdd,
}: {
  reader: ReaderSchedule;
  label: (g: string) => string;
  pending: boolean;
  onAdd: (s: ShiftEntry) => void;
}) {
  const [kind, setKind] = useState<"weekly" | "extra" | "off">("weekly");
  const [weekday, setWeekday] = useState(1);
  const [date, setDate] = useState("");
  const [start, setStart] = useState("08:00");
  const [end, setEnd] = useState("16:00");
  const [groups, setGroups] = useState<string[]>([]);
  const who = reader.name;
  return (
    <div className="flex flex-wrap items-center gap-2 text-slate-600">
      <span>Add</span>
      <select
        aria-label={`Kind of shift for ${who}`}
        className={field}
        value={kind}
        onChange={(e) => setKind(e.target.value as typeof kind)}
      >
        <option value="weekly">weekly shift</option>
        <option value="extra">extra shift on a date</option>
        <option value="off">off on a date</option>
      </select>
      {kind === "weekly" ? (
        <select
          aria-label={`Weekday for ${who}`}
          className={field}
          value={weekday}
          onChange={(e) => setWeekday(Number(e.target.value))}
        >
          {WEEKDAYS.map((d, i) => (
            <option key={d} value={i + 1}>
              {d}
            </option>
          ))}
        </select>
      ) : (
        <input
          type="date"
          aria-label={`Date for ${who}`}
          className={field}
          value={date}
          onChange={(e) => setDate(e.target.value)}
        />
      )}
      <input
        type="time"
        aria-label={`Start for ${who}`}
        className={field}
        value={start}
        onChange={(e) => setStart(e.target.value)}
      />
      –
      <input
        type="time"
        aria-label={`End for ${who}`}
        className={field}
        value={end}
        onChange={(e) => setEnd(e.target.value)}
      />
      {kind !== "off" &&
        reader.groups.map((g) => (
          <label key={g} className="flex items-center gap-0.5">
            <input
              type="checkbox"
              checked={groups.includes(g)}
              onChange={(e) => setGroups(e.target.checked ? [...groups, g] : groups.filter((x) => x !== g))}
            />
            {label(g)}
          </label>
        ))}
      {kind !== "off" && reader.groups.length > 0 && <span className="text-slate-500">(none ticked: all groups)</span>}
      <button
        type="button"
        className={button}
        aria-label={`Add shift for ${who}`}
        disabled={pending || !start || !end || (kind !== "weekly" && !date)}
        onClick={() =>
          onAdd({
            weekday: kind === "weekly" ? weekday : null,
            date: kind === "weekly" ? null : date,
            startMinute: toMinutes(start),
            // An end of 00:00 after a start means midnight: the shift runs to the end of the day.
            endMinute: end === "00:00" && start !== "00:00" ? 1440 : toMinutes(end),
            groups: kind === "off" ? [] : groups,
            off: kind === "off",
          })
        }
      >
        Add shift
      </button>
    </div>
  );
}

"use client";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { QueryFallback } from "../../_components/query-fallback";
import { downloadCsv } from "../../_components/csv";
import { CsvButton } from "../../_components/csv-button";
import { useChairScope } from "./chair-scope";
import { useNow } from "../../_components/use-now";

const share = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 100)}%` : "—");

type Per = "week" | "shift";

/** Reading by reader, per week (cherry-picking) or per shift (RVUs read on each shift as worked). */
export function ReadingByReaderView() {
  const [per, setPer] = useState<Per>("week");
  const show = (
    <label className="flex items-center gap-1">
      Per reader and
      <select
        value={per}
        onChange={(e) => setPer(e.target.value as Per)}
        className="rounded border border-slate-300 bg-white px-1 py-0.5"
      >
        <option value="week">week: reads, RVUs, claims out of order</option>
        <option value="shift">shift as worked: reads and RVUs</option>
      </select>
    </label>
  );
  return per === "week" ? <PerWeek show={show} /> : <PerShift show={show} />;
}

/** Per reader and week: reads, work RVUs, claims and claims taken out of order (with a reason): cherry-picking at a glance. */
function PerWeek({ show }: { show: React.ReactNode }) {
  const trpc = useTRPC();
  const scope = useChairScope();
  const { data, error } = useQuery(trpc.department.readingByReader.queryOptions(scope));
  const csv = () =>
    data &&
    downloadCsv(`readnext-reading-by-reader-${scope.from}-${scope.to}.csv`, [
      ["week starting", "reader", "reads", "work RVUs", "claims", "out of order"],
      ...data.rows.map((r) => [
        r.week,
        r.reader,
        String(r.reads),
        String(r.rvu),
        String(r.claims),
        String(r.outOfOrder),
      ]),
    ]);
  return (
    <ReaderTable
      show={show}
      csv={csv}
      loaded={!!data}
      error={error}
      what="reading by reader"
      empty={data?.rows.length === 0 ? "No reads or claims in this range." : null}
      testId="reading-by-reader"
      columns={[
        { label: "Week starting" },
        { label: "Reader" },
        { label: "Reads", numeric: true },
        { label: "Work RVUs", numeric: true },
        { label: "Claims", numeric: true },
        { label: "Out of order", numeric: true },
      ]}
      rows={data?.rows.map((r) => (
        <tr key={`${r.week}-${r.readerId}`} className="border-t border-slate-100">
          <td className="px-3 py-1.5 tabular-nums">{r.week}</td>
          <td className="px-3 py-1.5">{r.reader}</td>
          <td className="px-3 py-1.5 text-right tabular-nums">{r.reads.toLocaleString()}</td>
          <td className="px-3 py-1.5 text-right tabular-nums">{r.rvu.toFixed(1)}</td>
          <td className="px-3 py-1.5 text-right tabular-nums">{r.claims.toLocaleString()}</td>
          <td className="px-3 py-1.5 text-right tabular-nums">
            {r.outOfOrder} ({share(r.outOfOrder, r.claims)})
          </td>
        </tr>
      ))}
      note={
        <>
          Weeks start on Monday ({data?.timeZone ?? "department time"}). Out of order: claimed from the list below the
          free picks at the top, with a reason (audited). RVUs from the site&apos;s RVU table.
        </>
      }
    />
  );
}

/** A day and a time in the department's zone: ["Tue 1 Dec", "08:00"]. */
const dayAndTime = (d: Date, timeZone: string) => [
  new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short" }).format(d),
  new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d),
];
/** "Tue 1 Dec, 08:00–16:00", or with both days when it ends on another. */
const shiftSpan = (start: Date, end: Date | null, timeZone: string) => {
  const [startDay, startTime] = dayAndTime(start, timeZone);
  if (!end) return `${startDay}, ${startTime} – on duty now`;
  const [endDay, endTime] = dayAndTime(end, timeZone);
  return endDay === startDay
    ? `${startDay}, ${startTime} – ${endTime}`
    : `${startDay}, ${startTime} – ${endDay}, ${endTime}`;
};
const dayText = (day: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" }).format(
    new Date(`${day}T00:00:00Z`),
  );
const hoursOf = (start: Date, end: Date | null, now: number) =>
  Math.round(((end?.getTime() ?? now) - start.getTime()) / 360_000) / 10;

/** Per reader and shift as worked: when they went on and off duty, what they read and its work RVUs. */
function PerShift({ show }: { show: React.ReactNode }) {
  const trpc = useTRPC();
  const scope = useChairScope();
  const { data, error } = useQuery(trpc.department.readsByShift.queryOptions(scope));
  const now = useNow(60_000).getTime();
  const shiftText = (r: NonNullable<typeof data>["rows"][number], timeZone: string) =>
    r.start ? shiftSpan(r.start, r.end, timeZone) : `${dayText(r.day!)}, outside a recorded shift`;
  const csv = () =>
    data &&
    downloadCsv(`readnext-reads-by-shift-${scope.from}-${scope.to}.csv`, [
      ["shift start", "shift end", "day outside a shift", "reader", "hours on duty", "reads", "work RVUs"],
      ...data.rows.map((r) => [
        r.start?.toISOString() ?? "",
        r.end?.toISOString() ?? "",
        r.day ?? "",
        r.reader,
        r.start ? String(hoursOf(r.start, r.end, now)) : "",
        String(r.reads),
        String(r.rvu),
      ]),
    ]);
  return (
    <ReaderTable
      show={show}
      csv={csv}
      loaded={!!data}
      error={error}
      what="reads by shift"
      empty={data?.rows.length === 0 ? "No shifts or reads in this range." : null}
      testId="reads-by-shift"
      columns={[
        { label: "Shift" },
        { label: "Reader" },
        { label: "Hours on duty", numeric: true },
        { label: "Reads", numeric: true },
        { label: "Work RVUs", numeric: true },
      ]}
      rows={data?.rows.map((r) => (
        <tr
          key={`${r.readerId}-${r.start?.toISOString() ?? r.day}`}
          className={`border-t border-slate-100 ${r.start ? "" : "text-slate-500"}`}
        >
          <td className="px-3 py-1.5 tabular-nums">{shiftText(r, data.timeZone)}</td>
          <td className="px-3 py-1.5">{r.reader}</td>
          <td className="px-3 py-1.5 text-right tabular-nums">
            {r.start ? hoursOf(r.start, r.end, now).toFixed(1) : "—"}
          </td>
          <td className="px-3 py-1.5 text-right tabular-nums">{r.reads.toLocaleString()}</td>
          <td className="px-3 py-1.5 text-right tabular-nums">{r.rvu.toFixed(1)}</td>
        </tr>
      ))}
      note={
        <>
          A shift runs from a reader going on duty (their switch, or their schedule&apos;s shift starting) to going off,
          as recorded in the audit trail; reads outside every recorded shift count per day (
          {data?.timeZone ?? "department time"}). RVUs from the site&apos;s RVU table.
        </>
      }
    />
  );
}

/** The section's frame: the view switch and CSV button, the table (or why there is none) and a note. */
function ReaderTable(props: {
  show: React.ReactNode;
  csv: () => void;
  loaded: boolean;
  error: { message: string } | null;
  what: string;
  empty: string | null;
  testId: string;
  /** Column headings; numbers (right-aligned) marked. */
  columns: { label: string; numeric?: boolean }[];
  rows: React.ReactNode;
  note: React.ReactNode;
}) {
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3 text-sm">
        {props.show}
        <CsvButton onClick={props.csv} disabled={!props.loaded} className="ml-auto" />
      </div>
      {!props.loaded ? (
        <QueryFallback error={props.error} what={props.what} />
      ) : props.empty ? (
        <p className="text-sm text-slate-500">{props.empty}</p>
      ) : (
        <table
          className="w-full rounded-xl border border-slate-200 bg-white text-left text-sm"
          data-testid={props.testId}
        >
          <thead className="bg-slate-100 text-xs uppercase text-slate-600">
            <tr>
              {props.columns.map((c) => (
                <th key={c.label} className={`px-3 py-2 ${c.numeric ? "text-right" : ""}`}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{props.rows}</tbody>
        </table>
      )}
      <p className="text-xs text-slate-500">{props.note}</p>
    </div>
  );
}

"use client";
import { useEffect, useMemo, useRef } from "react";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { dueLabel, formatMinutes, minutesBetween } from "../../_components/time";
import { formatPersonName } from "@/lib/dicom/person-name";

type Row = inferRouterOutputs<AppRouter>["worklist"]["list"]["rows"][number];
const column = createColumnHelper<Row>();
const ROW_HEIGHT = 64;
const GRID =
  "grid grid-cols-[3rem_minmax(10rem,1.3fr)_7rem_minmax(10rem,1.5fr)_8rem_9rem_minmax(14rem,2.2fr)_8rem] items-center gap-2 px-3";

function AiBadge({ row }: { row: Row }) {
  if (!row.ai) return null;
  const style =
    row.ai.status === "critical"
      ? "bg-red-600 text-white"
      : row.ai.status === "urgent"
        ? "bg-orange-700 text-white"
        : row.ai.status === "negative"
          ? "bg-slate-200 text-slate-700"
          : "bg-slate-100 text-slate-700";
  return (
    <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${style}`}>AI {row.ai.status.replace("_", " ")}</span>
  );
}

export function WorklistTable({
  rows,
  now,
  selected,
  onSelect,
  onOpen,
  userId,
}: {
  rows: Row[];
  now: Date;
  selected: number;
  onSelect: (i: number) => void;
  onOpen: (row: Row) => void;
  userId: string;
}) {
  const columns = useMemo(
    () => [
      column.accessor("rank", {
        header: "#",
        cell: (c) => <span className="tabular-nums text-slate-600">{c.getValue()}</span>,
      }),
      column.display({
        id: "patient",
        header: "Patient",
        cell: ({ row: { original: r } }) => (
          <div className="min-w-0">
            <div className="truncate font-medium">{formatPersonName(r.patientName) ?? "—"}</div>
            <div className="truncate text-xs text-slate-600">
              {r.patientId ?? "no MRN"} · {r.patientAge ?? "?"} {r.patientSex ?? ""}
            </div>
          </div>
        ),
      }),
      column.accessor("accessionNumber", {
        header: "Accession",
        cell: (c) => <span className="font-mono text-xs">{c.getValue() ?? "—"}</span>,
      }),
      column.display({
        id: "study",
        header: "Study",
        cell: ({ row: { original: r } }) => (
          <div className="min-w-0 truncate">
            <span className="mr-1.5 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium">
              {r.modalities.join("/") || "?"}
            </span>
            {r.description ?? "—"}
          </div>
        ),
      }),
      column.display({
        id: "waited",
        header: "Waited / due",
        cell: ({ row: { original: r } }) => {
          const due = dueLabel(new Date(r.dueAt), now);
          return (
            <div className="text-xs tabular-nums">
              <div>{formatMinutes(minutesBetween(new Date(r.arrivedAt), now))}</div>
              <div className={due.overdue ? "font-semibold text-red-700" : "text-slate-600"}>{due.text}</div>
            </div>
          );
        },
      }),
      column.display({ id: "ai", header: "AI", cell: ({ row: { original: r } }) => <AiBadge row={r} /> }),
      column.accessor("reasons", {
        header: "Why here",
        cell: (c) => (
          <div className="line-clamp-2 text-xs text-slate-600" title={c.getValue().join(" · ")}>
            {c.getValue().join(" · ")}
          </div>
        ),
      }),
      column.accessor("claimedBy", {
        header: "Claimed",
        cell: (c) => {
          const by = c.getValue();
          return by ? (
            <span className={`text-xs ${by.id === userId ? "font-semibold text-sky-800" : "text-slate-600"}`}>
              {by.id === userId ? "you" : by.name}
            </span>
          ) : null;
        },
      }),
    ],
    [now, userId],
  );

  // TanStack Table returns a mutable instance, which the React Compiler cannot memoise; it is fine here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), getRowId: (r) => r.id });
  const scroller = useRef<HTMLDivElement>(null);
  // Only the visible rows are in the DOM, so thousands of studies stay smooth.
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  useEffect(() => {
    virtual.scrollToIndex(selected, { align: "auto" });
  }, [selected, virtual]);

  return (
    <div
      className="overflow-hidden rounded-xl border border-slate-200 bg-white text-sm"
      role="grid"
      aria-label="Reading worklist"
      aria-rowcount={rows.length}
    >
      <div className={`${GRID} bg-slate-100 py-2 text-xs font-semibold uppercase text-slate-600`} role="row">
        {table.getFlatHeaders().map((h) => (
          <div key={h.id} role="columnheader">
            {flexRender(h.column.columnDef.header, h.getContext())}
          </div>
        ))}
      </div>
      {/* Focusable, so the list scrolls from the keyboard too (WCAG: scrollable regions reachable by keyboard). */}
      <div
        ref={scroller}
        tabIndex={0}
        role="rowgroup"
        aria-label="Worklist rows"
        className="max-h-[70vh] overflow-auto"
      >
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {virtual.getVirtualItems().map((item) => {
            const row = table.getRowModel().rows[item.index]!;
            const r = row.original;
            return (
              <div
                key={row.id}
                role="row"
                aria-rowindex={item.index + 1}
                aria-selected={item.index === selected}
                data-testid="worklist-row"
                data-accession={r.accessionNumber ?? ""}
                data-study-id={r.id}
                data-critical={r.critical ? "true" : "false"}
                onClick={() => onSelect(item.index)}
                onDoubleClick={() => onOpen(r)}
                style={{
                  position: "absolute",
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                }}
                className={`${GRID} cursor-pointer border-t border-slate-100 ${r.critical ? "border-l-4 border-l-red-600 bg-red-50" : r.pinned ? "border-l-4 border-l-amber-500 bg-amber-50/60" : ""} ${item.index === selected ? "outline outline-2 -outline-offset-2 outline-sky-500" : ""}`}
              >
                {row.getVisibleCells().map((cell) => (
                  <div key={cell.id} role="gridcell" className="min-w-0">
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
      <p className="border-t border-slate-100 px-3 py-1.5 text-xs text-slate-500">
        <kbd>↑</kbd>/<kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>N</kbd> next case · <kbd>R</kbd> mark read (when a
        case is open)
      </p>
    </div>
  );
}

"use client";
import { forwardRef, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState } from "react";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import type { Density } from "@/lib/display-preferences";
import { dueLabel, formatMinutes, minutesBetween } from "../../_components/time";
import { formatPersonName } from "@/lib/dicom/person-name";

type Row = inferRouterOutputs<AppRouter>["worklist"]["list"]["rows"][number];
const column = createColumnHelper<Row>();
const ROW_HEIGHT: Record<Density, number> = { comfortable: 64, compact: 22 };

// Columns give way by the table's own width (a container query), so the list never overflows: with the
// study panel open, on a tablet, or in a narrow window it keeps #, patient, study, wait and AI; from 48rem
// the reasons and who holds it; from 72rem the accession too. `show` hides a column below its tier.
const GRID =
  "grid items-center gap-2 px-3 grid-cols-[2.5rem_minmax(7rem,1fr)_minmax(7rem,1fr)_6.5rem_6.5rem] " +
  "@3xl:grid-cols-[2.5rem_minmax(7rem,1.2fr)_minmax(7rem,1.4fr)_6.5rem_6.5rem_minmax(8rem,2fr)_5rem] " +
  "@6xl:grid-cols-[3rem_minmax(9rem,1.3fr)_7rem_minmax(9rem,1.5fr)_7.5rem_8rem_minmax(12rem,2.2fr)_7rem]";
const SHOW = { medium: "hidden @3xl:block", wide: "hidden @6xl:block" } as const;

/** The order's words in full, for a row that cuts them. */
function orderTitle(r: Row): string | undefined {
  const parts = [
    r.description,
    r.reasonForExam && `reason: ${r.reasonForExam}`,
    r.orderingProvider && `ordered by ${r.orderingProvider}`,
  ].filter(Boolean);
  return parts.length > 1 ? parts.join(" · ") : undefined;
}

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
    <span className={`whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-semibold ${style}`}>
      AI {row.ai.status.replace("_", " ")}
    </span>
  );
}

export type WorklistTableHandle = { focusSelected: () => void };

/**
 * The reading list as an ARIA grid: one tab stop (the selected row, roving tabindex), arrows, j/k,
 * Home/End and Page keys move it, Enter opens. Selection follows the study, not the position, so a
 * live reorder keeps the reader on the same case. Only the visible rows are in the DOM.
 */
export const WorklistTable = forwardRef<
  WorklistTableHandle,
  {
    rows: Row[];
    now: Date;
    selected: number;
    density: Density;
    onSelect: (i: number) => void;
    onOpen: (row: Row) => void;
    userId: string;
  }
>(function WorklistTable({ rows, now, selected, density, onSelect, onOpen, userId }, ref) {
  const compact = density === "compact";
  const columns = useMemo(
    () => [
      column.accessor("rank", {
        header: "#",
        cell: ({ row: { original: r } }) => (
          <span className="flex items-center gap-1 tabular-nums text-slate-600">
            {r.rank}
            {/* Not by colour alone: pinned rows say so in text (critical ones in their AI badge). */}
            {r.pinned && !r.critical && (
              <span className="rounded border border-amber-600 px-0.5 text-[10px] font-semibold uppercase leading-none text-amber-800">
                pin
              </span>
            )}
          </span>
        ),
      }),
      column.display({
        id: "patient",
        header: "Patient",
        cell: ({ row: { original: r } }) =>
          compact ? (
            <div className="truncate">
              <span className="font-medium">{formatPersonName(r.patientName) ?? "—"}</span>{" "}
              <span className="text-xs text-slate-600">{r.patientId ?? "no MRN"}</span>
            </div>
          ) : (
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
        meta: SHOW.wide,
        cell: (c) => <span className="font-mono text-xs">{c.getValue() ?? "—"}</span>,
      }),
      column.display({
        id: "study",
        header: "Study",
        cell: ({ row: { original: r } }) => (
          <div className="min-w-0" title={orderTitle(r)}>
            <div className="truncate">
              <span className="mr-1.5 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium">
                {r.modalities.join("/") || "?"}
              </span>
              {r.description ?? "—"}
            </div>
            {/* The RIS's order: why, and who asked (one line in comfortable rows; on hover in compact ones). */}
            {!compact && (r.reasonForExam || r.orderingProvider) && (
              <div className="truncate text-xs text-slate-600" data-testid="row-order">
                {[r.reasonForExam, r.orderingProvider && `ordered by ${r.orderingProvider}`]
                  .filter(Boolean)
                  .join(" · ")}
              </div>
            )}
          </div>
        ),
      }),
      column.display({
        id: "waited",
        header: "Waited / due",
        cell: ({ row: { original: r } }) => {
          const due = dueLabel(new Date(r.dueAt), now);
          const waited = formatMinutes(minutesBetween(new Date(r.arrivedAt), now));
          const dueText = (
            <span className={due.overdue ? "font-semibold text-red-700" : "text-slate-600"}>{due.text}</span>
          );
          return compact ? (
            <div className="truncate text-xs tabular-nums" title={`waited ${waited}, ${due.text}`}>
              {dueText}
            </div>
          ) : (
            <div className="text-xs tabular-nums">
              <div>{waited}</div>
              <div>{dueText}</div>
            </div>
          );
        },
      }),
      column.display({ id: "ai", header: "AI", cell: ({ row: { original: r } }) => <AiBadge row={r} /> }),
      column.accessor("reasons", {
        header: "Why here",
        meta: SHOW.medium,
        cell: (c) => (
          <div
            className={`${compact ? "truncate" : "line-clamp-2"} text-xs text-slate-600`}
            title={c.getValue().join(" · ")}
          >
            {c.getValue().join(" · ")}
          </div>
        ),
      }),
      column.accessor("claimedBy", {
        header: "Claimed",
        meta: SHOW.medium,
        cell: (c) => {
          const by = c.getValue();
          return by ? (
            <span
              data-testid="claimed-by"
              className={`truncate text-xs ${by.id === userId ? "font-semibold text-sky-800" : "text-slate-600"}`}
            >
              {by.id === userId ? "you" : by.name}
            </span>
          ) : null;
        },
      }),
    ],
    [now, userId, compact],
  );

  // TanStack Table returns a mutable instance, which the React Compiler cannot memoise; it is fine here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), getRowId: (r) => r.id });
  const scroller = useRef<HTMLDivElement>(null);
  const rowHeight = ROW_HEIGHT[density];
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  });
  useEffect(() => virtual.measure(), [rowHeight, virtual]);

  // The selected row is rendered (scrolled into view) before anything focuses it.
  const focusSelected = () => {
    virtual.scrollToIndex(selected, { align: "auto" });
    requestAnimationFrame(() =>
      scroller.current?.querySelector<HTMLElement>(`[role="row"][aria-rowindex="${selected + 2}"]`)?.focus(),
    );
  };
  useImperativeHandle(ref, () => ({ focusSelected }));

  useEffect(() => {
    virtual.scrollToIndex(selected, { align: "auto" });
    // Keyboard moves keep focus on the selected row; a reorder that re-mounts the row keeps it too.
    if (scroller.current?.contains(document.activeElement) || document.activeElement === document.body)
      requestAnimationFrame(() =>
        scroller.current?.querySelector<HTMLElement>(`[role="row"][aria-rowindex="${selected + 2}"]`)?.focus({
          preventScroll: true,
        }),
      );
  }, [selected, virtual, rows]);

  // Compact mode fills the screen below the list's top, so a 900-pixel-high screen shows 25 rows or more.
  const [fillHeight, setFillHeight] = useState<number | null>(null);
  useLayoutEffect(() => {
    if (!compact) return;
    const fit = () => {
      const top = (scroller.current?.getBoundingClientRect().top ?? 0) + window.scrollY;
      // Below it: the one-line reasons footer (about 26 px) and a little air.
      setFillHeight(Math.max(240, window.innerHeight - top - 40));
    };
    fit();
    window.addEventListener("resize", fit);
    return () => window.removeEventListener("resize", fit);
  }, [compact]);
  const visibleRows = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 600) / rowHeight) - 1);
  function onKeyDown(e: React.KeyboardEvent) {
    const last = rows.length - 1;
    const move: Record<string, number> = {
      ArrowDown: selected + 1,
      j: selected + 1,
      ArrowUp: selected - 1,
      k: selected - 1,
      Home: 0,
      End: last,
      PageDown: selected + visibleRows,
      PageUp: selected - visibleRows,
    };
    if (e.key in move && !e.altKey && !e.ctrlKey && !e.metaKey) onSelect(Math.max(0, Math.min(last, move[e.key]!)));
    else if (e.key === "Enter" && rows[selected]) onOpen(rows[selected]!);
    else return;
    e.preventDefault();
  }

  return (
    <div
      className="@container overflow-hidden rounded-xl border border-slate-200 bg-white text-sm"
      role="grid"
      aria-label="Reading worklist"
      aria-rowcount={rows.length + 1}
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup">
        <div
          className={`${GRID} bg-slate-100 py-2 text-xs font-semibold uppercase text-slate-600`}
          role="row"
          aria-rowindex={1}
        >
          {table.getFlatHeaders().map((h) => (
            <div key={h.id} role="columnheader" className={(h.column.columnDef.meta as string | undefined) ?? ""}>
              {flexRender(h.column.columnDef.header, h.getContext())}
            </div>
          ))}
        </div>
      </div>
      <div
        ref={scroller}
        role="rowgroup"
        aria-label="Worklist rows"
        className={`overflow-auto ${compact ? "" : "max-h-[70vh]"}`}
        style={compact ? { height: fillHeight ?? 600 } : undefined}
      >
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {virtual.getVirtualItems().map((item) => {
            const row = table.getRowModel().rows[item.index]!;
            const r = row.original;
            const isSelected = item.index === selected;
            return (
              <div
                key={row.id}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                tabIndex={isSelected ? 0 : -1}
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
                  height: rowHeight,
                  transform: `translateY(${item.start}px)`,
                }}
                className={`${GRID} cursor-pointer border-t border-slate-100 outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-sky-600 ${r.critical ? "border-l-4 border-l-red-600 bg-red-50" : r.pinned ? "border-l-4 border-l-amber-500 bg-amber-50/60" : ""} ${isSelected ? "outline outline-2 -outline-offset-2 outline-sky-500" : ""}`}
              >
                {row.getVisibleCells().map((cell) => (
                  <div
                    key={cell.id}
                    role="gridcell"
                    className={`min-w-0 ${(cell.column.columnDef.meta as string | undefined) ?? ""}`}
                  >
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
      {/* The selected row's reasons in full where rows cut them (compact) or the column gave way (narrow). */}
      <p
        className={`truncate border-t border-slate-100 px-3 py-1 text-xs text-slate-600 ${compact ? "" : "@3xl:hidden"}`}
        data-testid="selected-reasons"
      >
        {rows[selected] && (
          <>
            <span className="font-semibold">#{rows[selected]!.rank} why here:</span>{" "}
            {rows[selected]!.reasons.join(" · ")}
          </>
        )}
        {compact && (
          <>
            {" "}
            · <kbd>?</kbd> shortcuts
          </>
        )}
      </p>
      {!compact && (
        <p className="border-t border-slate-100 px-3 py-1.5 text-xs text-slate-600">
          <kbd>↑</kbd>/<kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>N</kbd> next case · <kbd>R</kbd> mark read (when
          a case is open) · <kbd>?</kbd> all shortcuts
        </p>
      )}
    </div>
  );
});

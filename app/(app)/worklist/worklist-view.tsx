"use client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "../../trpc";
import { EmptyState } from "../../_components/empty-state";
import { useNow } from "../../_components/use-now";
import { WorklistTable, type WorklistTableHandle } from "./worklist-table";
import { ShortcutHelp } from "./shortcut-help";
import { useDisplay } from "../../_components/display-settings";
import { FilterBar } from "./filter-bar";
import { StudyPanel } from "./study-panel";
import { WorkersOffline } from "./workers-offline";
import { DutySwitch } from "./duty-switch";
import { InterruptionPrompt } from "./interruption-prompt";
import { applyLiveChange, LiveMerges, replayNewer } from "@/lib/worklist-live";

type Row = inferRouterOutputs<AppRouter>["worklist"]["list"]["rows"][number];

/** `initialStudyId`: a link such as the critical-finding webhook's `/worklist?study=<id>` opens that study's panel. */
export function WorklistView({ userId, initialStudyId = null }: { userId: string; initialStudyId?: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(15_000);
  const filters = useQuery(trpc.worklist.savedFilters.queryOptions());
  // Live changes arrive as rows (below); the poll is for what time alone changes: an overflow
  // time passing, a claim lapsing (a full page costs the server ~100 times a change).
  const list = useQuery({ ...trpc.worklist.list.queryOptions({ limit: 500, offset: 0 }), refetchInterval: 60_000 });
  const count = useQuery({ ...trpc.worklist.count.queryOptions({}), refetchInterval: 60_000 });
  const [openStudyId, setOpenStudyId] = useState<string | null>(initialStudyId);
  const [help, setHelp] = useState(false);
  const { density } = useDisplay();
  const table = useRef<WorklistTableHandle>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [alert, setAlert] = useState<string | null>(null);
  const [sound, setSound] = useState(false);
  const rows = useMemo(() => list.data?.rows ?? [], [list.data]);

  // Selection follows the study through live reorders; when it leaves the list (read, claimed by
  // someone else, filtered out), the row that took its place is selected.
  const [selection, setSelection] = useState<{ id: string | null; index: number }>({ id: null, index: 0 });
  const found = rows.findIndex((r) => r.id === selection.id);
  const selected = found >= 0 ? found : Math.min(selection.index, Math.max(0, rows.length - 1));
  const select = useCallback((i: number) => setSelection({ id: rows[i]?.id ?? null, index: i }), [rows]);
  const setSelectedId = (id: string) =>
    setSelection((s) => {
      const at = rows.findIndex((r) => r.id === id);
      return { id, index: at >= 0 ? at : s.index };
    });
  // After the panel closes (Mark read, Skip, Esc) focus returns to the list, never to the page body.
  const focusList = () => requestAnimationFrame(() => table.current?.focusSelected());

  const refresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.worklist.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.worklist.count.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.worklist.study.queryKey() });
  }, [queryClient, trpc]);

  // Live: the server sends the rows that changed (claims, reads, arrivals, scores) as this list
  // shows them; they are merged in reading order without asking for the page again. A new
  // critical case this reader may read announces itself.
  const listKey = trpc.worklist.list.queryKey({ limit: 500, offset: 0 });
  type Change = Parameters<typeof applyLiveChange<Row>>[1] & { at: Date };
  // The last minute's changes, and the pages this view made by merging them (as opposed to fetched ones).
  const [live] = useState(() => new LiveMerges<Change>());
  const onChange = useCallback(
    (change: Change & { refetch: boolean; studyIds: string[]; arrived: string[]; critical: boolean }) => {
      // An assignment may come with a question to interrupt the case this reader has open.
      void queryClient.invalidateQueries({ queryKey: trpc.worklist.interruption.queryKey() });
      if (change.refetch) refresh();
      else {
        live.remember(change);
        let left = 0;
        queryClient.setQueryData(listKey, (old) => {
          if (!old) return old;
          const next = applyLiveChange(old.rows, change, 500, new Date());
          left = next.left;
          return live.merged({ ...old, rows: next.rows });
        });
        queryClient.setQueryData(trpc.worklist.count.queryKey({}), (old) =>
          old && !old.capped ? { ...old, total: Math.max(0, old.total + change.arrived.length - left) } : old,
        );
        // An open study's panel refetches if it changed (only open panels' queries are active).
        for (const studyId of change.studyIds)
          void queryClient.invalidateQueries({ queryKey: trpc.worklist.study.queryKey({ studyId }) });
      }
      if (change.critical) {
        setAlert("New critical case at the top of the list");
        if (sound) beep();
        if (typeof Notification !== "undefined" && Notification.permission === "granted")
          new Notification("ReadNext: new critical case");
      }
    },
    [queryClient, listKey, refresh, sound, trpc, live],
  );
  useSubscription(trpc.worklist.events.subscriptionOptions(undefined, { onData: onChange }));

  // A page that was on its way while changes came in shows the list as the server saw it then:
  // the changes it looked at later go over it again.
  useEffect(() => {
    const page = list.data;
    if (!page || live.isMerged(page)) return;
    const rows = replayNewer(page.rows, page.now, live.recent, 500, new Date());
    if (rows.length === page.rows.length && rows.every((r, i) => r === page.rows[i])) return;
    queryClient.setQueryData(listKey, live.merged({ ...page, rows }));
  }, [list.data, listKey, queryClient, live]);

  // The case this radiologist holds, if any, stays open in the panel unless they closed it.
  const mine = rows.find((r) => r.claimedBy?.id === userId);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const shownStudyId = openStudyId ?? (mine && mine.id !== dismissed ? mine.id : null);

  const nextCase = useMutation(
    trpc.worklist.nextCase.mutationOptions({
      onSuccess: (result) => {
        if ("nothingLeft" in result) setNotice("Nothing left to read that matches your filters.");
        else {
          setNotice(result.alreadyHeld ? "You already hold this case: mark it read or skip it first." : null);
          setOpenStudyId(result.studyId);
          setSelectedId(result.studyId);
        }
        refresh();
      },
      onError: (e) => setNotice(e.message),
    }),
  );
  const claim = useMutation(
    trpc.worklist.claim.mutationOptions({
      onSuccess: (r) => {
        setOpenStudyId(r.studyId);
        setSelectedId(r.studyId);
        setNotice(null);
        refresh();
      },
      onError: (e) => setNotice(e.message),
    }),
  );
  const [outOfOrder, setOutOfOrder] = useState<Row | null>(null);

  const openRow = useCallback(
    (row: Row) => {
      if (row.claimedBy?.id === userId) return setOpenStudyId(row.id);
      claim.mutate(
        { studyId: row.id },
        {
          onError: (e) => {
            if (/give a reason/.test(e.message)) setOutOfOrder(row);
          },
        },
      );
    },
    [claim, userId],
  );

  // Page-wide keys; moving through the list is the grid's own (worklist-table.tsx).
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const target = e.target as HTMLElement;
      if (target.closest("input, textarea, select, [role=dialog]") || e.ctrlKey || e.metaKey || e.altKey) return;
      // One claim per press: a held-down key or a second press while the first is on its way would claim twice.
      if (e.key === "n") {
        if (!e.repeat && !nextCase.isPending) nextCase.mutate();
      } else if (e.key === "?") setHelp(true);
      else return;
      e.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [nextCase]);

  return (
    <div className="flex gap-4">
      <section className="min-w-0 flex-1">
        <div className="mb-3 flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold">Worklist</h1>
          <button
            type="button"
            onClick={() => nextCase.mutate()}
            disabled={nextCase.isPending}
            className="rounded-md bg-sky-700 px-4 py-2 font-semibold text-white shadow hover:bg-sky-800 disabled:opacity-60"
          >
            Next case <kbd className="ml-1 rounded bg-sky-900/40 px-1 text-xs">N</kbd>
          </button>
          <button
            type="button"
            onClick={() => setHelp(true)}
            aria-keyshortcuts="?"
            className="rounded-md border border-slate-300 px-2 py-1.5 text-sm hover:bg-slate-100"
          >
            Shortcuts <kbd className="text-xs">?</kbd>
          </button>
          <span className="text-sm text-slate-500" data-testid="worklist-count">
            {count.data ? `${count.data.total.toLocaleString()}${count.data.capped ? "+" : ""} open studies` : ""}
          </span>
          <DutySwitch />
          <label className="ml-auto flex items-center gap-1 text-xs text-slate-600">
            <input
              type="checkbox"
              checked={sound}
              onChange={(e) => {
                setSound(e.target.checked);
                if (e.target.checked && typeof Notification !== "undefined") void Notification.requestPermission();
              }}
            />
            sound and desktop alert for critical cases
          </label>
        </div>
        {alert && (
          <div
            role="alert"
            className="mb-3 flex items-center justify-between rounded-md border-2 border-red-600 bg-red-50 px-3 py-2 font-semibold text-red-800"
          >
            {alert}
            <button type="button" className="text-sm font-normal underline" onClick={() => setAlert(null)}>
              dismiss
            </button>
          </div>
        )}
        <InterruptionPrompt
          onAccepted={(studyId) => {
            setOpenStudyId(studyId);
            setSelectedId(studyId);
            setNotice("Your other case is paused: it stays yours and reopens when you finish this one.");
            refresh();
          }}
        />
        <WorkersOffline />
        {notice && (
          <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {notice}
          </p>
        )}
        {filters.data && <FilterBar initial={filters.data} onSaved={refresh} />}
        {list.error && (
          <p role="alert" className="text-sm text-red-700">
            Could not load the worklist: {list.error.message}
          </p>
        )}
        {list.isPending && <p className="text-sm text-slate-500">Loading worklist…</p>}
        {list.data && rows.length === 0 && (
          <EmptyState title="No studies waiting to be read">
            Studies appear here as soon as ReadNext sees them in a connected PACS
            {count.data?.total ? ", unless your filters hide them" : ""}.
          </EmptyState>
        )}
        {rows.length > 0 && (
          <WorklistTable
            ref={table}
            rows={rows}
            now={now}
            selected={selected}
            density={density}
            onSelect={select}
            onOpen={openRow}
            userId={userId}
          />
        )}
        {outOfOrder && (
          <OutOfOrderDialog
            row={outOfOrder}
            onCancel={() => setOutOfOrder(null)}
            onConfirm={(reason) => {
              claim.mutate({ studyId: outOfOrder.id, reason });
              setOutOfOrder(null);
            }}
          />
        )}
      </section>
      {shownStudyId && (
        <StudyPanel
          studyId={shownStudyId}
          userId={userId}
          focusOnOpen={openStudyId !== null}
          onClose={() => {
            setDismissed(shownStudyId);
            setOpenStudyId(null);
            focusList();
          }}
          onChanged={refresh}
          onDone={() => {
            setOpenStudyId(null);
            refresh();
            focusList();
          }}
        />
      )}
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
    </div>
  );
}

function OutOfOrderDialog({
  row,
  onCancel,
  onConfirm,
}: {
  row: Row;
  onCancel: () => void;
  onConfirm: (reason: string) => void;
}) {
  const [reason, setReason] = useState("");
  return (
    <div
      role="dialog"
      aria-label="Read out of order"
      className="mt-3 rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm"
    >
      <p className="font-medium">{row.accessionNumber} is not near the top of your list. Why read it now?</p>
      <form
        className="mt-2 flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm(reason);
        }}
      >
        <input
          autoFocus
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          minLength={3}
          required
          placeholder="e.g. referrer called, comparison needed"
          className="flex-1 rounded border border-slate-300 px-2 py-1"
        />
        <button type="submit" className="rounded bg-amber-600 px-3 py-1 font-medium text-white">
          Read it now
        </button>
        <button type="button" onClick={onCancel} className="px-2">
          Cancel
        </button>
      </form>
    </div>
  );
}

function beep() {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.25);
  } catch {
    // sound is optional
  }
}

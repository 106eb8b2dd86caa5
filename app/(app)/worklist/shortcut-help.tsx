"use client";
import { useEffect, useRef } from "react";

/** Every key the worklist answers to; the list's and the panel's handlers implement them (see their aria-keyshortcuts). */
export const SHORTCUTS = [
  { keys: ["↑", "↓"], alt: "j / k", what: "move through the list", where: "List" },
  { keys: ["Home", "End"], what: "first or last study", where: "List" },
  { keys: ["PgUp", "PgDn"], what: "a screen up or down", where: "List" },
  { keys: ["Enter"], what: "open the selected study (claims it)", where: "List" },
  { keys: ["N"], what: "Next case: claim and open the most urgent study you may read", where: "Anywhere" },
  { keys: ["R"], what: "mark the open case read", where: "Open case" },
  { keys: ["S"], what: "skip the open case (asks why)", where: "Open case" },
  { keys: ["V"], what: "open the case in the viewer", where: "Open case" },
  { keys: ["C"], what: "confirm the AI finding (or agree: no finding)", where: "Open case" },
  { keys: ["D"], what: "dismiss the AI finding (or disagree: finding missed)", where: "Open case" },
  { keys: ["Esc"], what: "close the panel or this help", where: "Open case" },
  { keys: ["?"], what: "this help", where: "Anywhere" },
] as const;

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // Focus moves into the dialog and back to where it was when it closes.
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-black/60" onClick={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcut-help-title"
        className="max-h-[90vh] w-[34rem] max-w-[95vw] overflow-auto rounded-xl border border-slate-300 bg-white p-5 text-sm shadow-xl"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape" || e.key === "?") {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="mb-3 flex items-center justify-between">
          <h2 id="shortcut-help-title" className="text-base font-semibold">
            Keyboard shortcuts
          </h2>
          <button ref={close} type="button" onClick={onClose} className="rounded border border-slate-300 px-2 py-0.5">
            Close
          </button>
        </div>
        <table className="w-full text-left">
          <thead className="text-xs uppercase text-slate-600">
            <tr>
              <th className="py-1">Keys</th>
              <th className="py-1">Does</th>
              <th className="py-1">Where</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.what} className="border-t border-slate-100">
                <td className="whitespace-nowrap py-1 pr-3">
                  {s.keys.map((k) => (
                    <kbd key={k} className="mr-1 rounded border border-slate-300 bg-slate-100 px-1.5 text-xs">
                      {k}
                    </kbd>
                  ))}
                  {"alt" in s && <span className="text-xs text-slate-600">or {s.alt}</span>}
                </td>
                <td className="py-1 pr-3">{s.what}</td>
                <td className="py-1 text-xs text-slate-600">{s.where}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

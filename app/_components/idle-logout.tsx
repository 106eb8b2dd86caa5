"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { idleState, shouldReportActivity, type IdleState } from "@/lib/security/idle-clock";
import { authClient } from "../auth-client";
import { useTRPC } from "../trpc";

// Shared by every tab of this browser: working in one keeps the others signed in too.
const LAST_ACTIVITY_KEY = "readnext.lastActivity";
const ACTIVITY_EVENTS = ["keydown", "pointerdown", "wheel", "touchstart"] as const;

function readLastActivity(): number {
  const stored = Number(window.localStorage.getItem(LAST_ACTIVITY_KEY));
  return Number.isFinite(stored) && stored > 0 ? stored : Date.now();
}

/**
 * Signs out a reading-room workstation left alone for IDLE_LOGOUT_MINUTES, with a minute's warning.
 * Keys and clicks count as activity; background refreshes do not. The server enforces the same
 * limit (server/auth/current-user.ts), so a browser that sleeps through it is signed out too.
 */
export function IdleLogout({ idleMinutes }: { idleMinutes: number }) {
  const trpc = useTRPC();
  const report = useMutation(trpc.me.active.mutationOptions());
  const lastReported = useRef<number | null>(null);
  const [state, setState] = useState<IdleState>({ phase: "active" });
  const idleMs = idleMinutes * 60_000;
  const reportMutate = report.mutate;

  const markActive = useCallback(() => {
    const now = Date.now();
    window.localStorage.setItem(LAST_ACTIVITY_KEY, String(now));
    if (shouldReportActivity(now, lastReported.current)) {
      lastReported.current = now;
      reportMutate();
    }
  }, [reportMutate]);

  useEffect(() => {
    if (!idleMs) return;
    markActive();
    let signingOut = false;
    const tick = () => {
      const next = idleState(Date.now(), readLastActivity(), idleMs);
      setState((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
      if (next.phase === "expired" && !signingOut) {
        signingOut = true;
        void authClient.signOut().finally(() => window.location.replace("/sign-in?reason=idle"));
      }
    };
    // While the warning shows, only its button keeps the session: a stray key should not.
    const onActivity = () => {
      if (idleState(Date.now(), readLastActivity(), idleMs).phase === "active") markActive();
    };
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, onActivity, { passive: true, capture: true });
    const timer = window.setInterval(tick, 1000);
    return () => {
      window.clearInterval(timer);
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, onActivity, { capture: true });
    };
  }, [idleMs, markActive]);

  const stay = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (state.phase === "warning") stay.current?.focus();
  }, [state.phase]);

  if (state.phase !== "warning") return null;
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-6">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="idle-title"
        aria-describedby="idle-text"
        className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-lg"
      >
        <h2 id="idle-title" className="text-lg font-semibold">
          Still there?
        </h2>
        <p id="idle-text" className="mt-2 text-sm text-slate-700">
          You will be signed out in <span data-testid="idle-seconds">{state.secondsLeft}</span> s after {idleMinutes}{" "}
          minutes without activity.
        </p>
        <button
          ref={stay}
          type="button"
          onClick={() => {
            lastReported.current = null;
            markActive();
            setState({ phase: "active" });
          }}
          className="mt-4 rounded-md bg-sky-700 px-4 py-2 text-sm font-medium text-white hover:bg-sky-800"
        >
          Stay signed in
        </button>
      </div>
    </div>
  );
}

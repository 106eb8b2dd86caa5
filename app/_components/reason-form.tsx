"use client";
import { useState, type ReactNode } from "react";

/** An inline form for an audited action that needs a reason (pin, set a target, break a claim). */
export function ReasonForm({
  submitLabel,
  placeholder = "reason",
  danger = false,
  onSubmit,
  onCancel,
  children,
}: {
  submitLabel: string;
  placeholder?: string;
  danger?: boolean;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
  /** Fields shown before the reason (e.g. a target in minutes). */
  children?: ReactNode;
}) {
  const [reason, setReason] = useState("");
  return (
    <form
      className="flex flex-wrap gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(reason);
      }}
    >
      {children}
      <input
        required
        minLength={3}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder={placeholder}
        aria-label="Reason"
        className="w-48 rounded border border-slate-300 px-1"
      />
      <button type="submit" className={`rounded px-2 text-white ${danger ? "bg-red-700" : "bg-sky-700"}`}>
        {submitLabel}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

"use client";

/** "Download CSV" beside a table: every chair and scheduler table offers its figures as a file. */
export function CsvButton({
  onClick,
  disabled = false,
  className = "",
}: {
  onClick: () => void;
  disabled?: boolean;
  className?: string;
}) {
  return (
    <button
      type="button"
      disabled={disabled}
      onClick={onClick}
      className={`rounded-md border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-50 disabled:opacity-60 ${className}`}
    >
      Download CSV
    </button>
  );
}

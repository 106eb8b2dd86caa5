/** What a view shows before its query has data: "Loading…", or the error in words. */
export function QueryFallback({ error, what }: { error: { message: string } | null; what: string }) {
  if (!error) return <p className="text-sm text-slate-500">Loading…</p>;
  return (
    <p role="alert" className="text-sm text-red-700">
      Could not load {what}: {error.message}
    </p>
  );
}

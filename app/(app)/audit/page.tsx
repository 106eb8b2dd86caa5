import { requireUser } from "../../guard";
import { AuditSearchView } from "./audit-search";

export default async function AuditPage() {
  await requireUser(["admin", "chair"]);
  return (
    <section>
      <h1 className="mb-1 text-xl font-semibold">Audit log</h1>
      <p className="mb-4 text-sm text-slate-600">
        Who did what, and who saw which patient&apos;s study (its panel, AI key image or viewer), when and from where.
        Events are never changed or deleted. Days run midnight to midnight in the department&apos;s time zone.
      </p>
      <AuditSearchView />
    </section>
  );
}

import { hasAnyRole } from "@/lib/roles";
import { requireUser } from "../../guard";
import { ModelsGovernance } from "./models-governance";

/** AI model governance: versions live or in shadow, shadow-vs-live agreement, local validations. */
export default async function ModelsPage() {
  const user = await requireUser(["admin", "chair"]);
  return (
    <section>
      <h1 className="mb-1 text-xl font-semibold">AI models</h1>
      <p className="mb-6 max-w-3xl text-sm text-slate-600">
        A model version in <strong>shadow</strong> scores every study it applies to but never moves one: it is measured
        here against the live version and against your own labelled studies before it is promoted. See models/README.md
        for the path: drop in, validate locally, shadow, promote, monitor.
      </p>
      <ModelsGovernance canAct={hasAnyRole(user.roles, ["admin"])} />
    </section>
  );
}

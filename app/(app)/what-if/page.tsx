import { requireUser } from "../../guard";
import { WhatIfView } from "./what-if-view";

export default async function WhatIfPage() {
  await requireUser(["chair"]);
  return (
    <section>
      <h1 className="mb-1 text-xl font-semibold">What-if: AI triage in this department</h1>
      <p className="mb-4 max-w-3xl text-sm text-slate-600">
        A discrete-event simulation of your reading queue, prefilled from the last 30 days. It compares
        first-in-first-out, order priority alone, and ReadNext&apos;s ordering (the same engine the worklist uses), with
        and without the maximum-wait cap. Edit anything and run it again.
      </p>
      <WhatIfView />
    </section>
  );
}

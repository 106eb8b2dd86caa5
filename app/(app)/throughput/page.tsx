import { requireUser } from "../../guard";
import { ThroughputSummaryView } from "./throughput-summary";

export default async function ThroughputPage() {
  await requireUser(["chair"]);
  return (
    <section>
      <h1 className="mb-4 text-xl font-semibold">Throughput</h1>
      <ThroughputSummaryView />
    </section>
  );
}

import { requireUser } from "../../guard";
import { BacklogSummaryView } from "./backlog-summary";
import { AtRiskStudies } from "./at-risk";

export default async function BacklogPage() {
  await requireUser(["scheduler"]);
  return (
    <section>
      <h1 className="mb-4 text-xl font-semibold">Backlog</h1>
      <BacklogSummaryView />
      <div className="mt-8">
        <AtRiskStudies />
      </div>
    </section>
  );
}

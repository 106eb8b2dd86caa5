import { requireUser } from "../../guard";
import { BacklogSummaryView } from "./backlog-summary";

export default async function BacklogPage() {
  await requireUser(["scheduler"]);
  return (
    <section>
      <h1 className="mb-4 text-xl font-semibold">Backlog</h1>
      <BacklogSummaryView />
    </section>
  );
}

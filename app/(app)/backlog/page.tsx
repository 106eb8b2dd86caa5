import { requireUser } from "../../guard";
import { BacklogSummaryView } from "./backlog-summary";
import { BacklogCrossTabView } from "./backlog-cross-tab";
import { AtRiskStudies } from "./at-risk";
import { ClearanceForecastView } from "./clearance-forecast";
import { ReadersAdmin } from "../../_components/readers-admin";
import { ShiftSchedule } from "../../_components/shift-schedule";
import { OpenClaims } from "../../_components/open-claims";

export default async function BacklogPage() {
  await requireUser(["scheduler"]);
  return (
    <section>
      <h1 className="mb-4 text-xl font-semibold">Backlog</h1>
      <BacklogSummaryView />
      <h2 className="mb-3 mt-8 text-lg font-semibold">By class and waiting time</h2>
      <BacklogCrossTabView />
      <h2 className="mb-3 mt-8 text-lg font-semibold">Clearance forecast</h2>
      <ClearanceForecastView />
      <div className="mt-8">
        <AtRiskStudies />
      </div>
      <h2 className="mb-3 mt-8 text-lg font-semibold">Who is reading what</h2>
      <OpenClaims />
      <h2 className="mb-3 mt-8 text-lg font-semibold">Readers on duty</h2>
      <ReadersAdmin canEdit={false} />
      <h2 className="mb-3 mt-8 text-lg font-semibold">Shifts</h2>
      <ShiftSchedule />
    </section>
  );
}

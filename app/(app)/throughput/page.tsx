import { requireUser } from "../../guard";
import { ThroughputSummaryView } from "./throughput-summary";
import { AiAccuracyView } from "./ai-accuracy";
import { SlaTrendView } from "./sla-trend";
import { TurnaroundByStageView } from "./turnaround-by-stage";
import { ReadingByReaderView } from "./reading-by-reader";
import { HourlyLoadView } from "./hourly-load";
import { OpenClaims } from "../../_components/open-claims";
import { Suspense } from "react";
import { ChairScopeProvider } from "./chair-scope";

export default async function ThroughputPage() {
  await requireUser(["chair"]);
  return (
    <section>
      <h1 className="mb-4 text-xl font-semibold">Throughput</h1>
      <ThroughputSummaryView />
      <h2 className="mb-3 mt-8 text-lg font-semibold">Over a range</h2>
      <Suspense>
        <ChairScopeProvider>
          <h3 className="mb-3 mt-6 text-base font-semibold">Read by due time, per day</h3>
          <SlaTrendView />
          <h3 className="mb-3 mt-8 text-base font-semibold">Where the time goes</h3>
          <TurnaroundByStageView />
          <h3 className="mb-3 mt-8 text-base font-semibold">When the work comes</h3>
          <HourlyLoadView />
          <h3 className="mb-3 mt-8 text-base font-semibold">Reading by reader</h3>
          <ReadingByReaderView />
          <h3 className="mb-3 mt-8 text-base font-semibold">AI accuracy</h3>
          <AiAccuracyView />
        </ChairScopeProvider>
      </Suspense>
      <h2 className="mb-3 mt-8 text-lg font-semibold">Open cases</h2>
      <OpenClaims />
    </section>
  );
}

import { requireUser } from "../../guard";
import { ThroughputSummaryView } from "./throughput-summary";
import { AiAccuracyView } from "./ai-accuracy";
import { SlaTrendView } from "./sla-trend";
import { TurnaroundByStageView } from "./turnaround-by-stage";
import { ReadingByReaderView } from "./reading-by-reader";
import { HourlyLoadView } from "./hourly-load";
import { OpenClaims } from "../../_components/open-claims";

export default async function ThroughputPage() {
  await requireUser(["chair"]);
  return (
    <section>
      <h1 className="mb-4 text-xl font-semibold">Throughput</h1>
      <ThroughputSummaryView />
      <h2 className="mb-3 mt-8 text-lg font-semibold">Read by due time, last 4 weeks</h2>
      <SlaTrendView />
      <h2 className="mb-3 mt-8 text-lg font-semibold">Where the time goes</h2>
      <TurnaroundByStageView />
      <h2 className="mb-3 mt-8 text-lg font-semibold">When the work comes</h2>
      <HourlyLoadView />
      <h2 className="mb-3 mt-8 text-lg font-semibold">Reading by reader</h2>
      <ReadingByReaderView />
      <h2 className="mb-3 mt-8 text-lg font-semibold">AI accuracy</h2>
      <AiAccuracyView />
      <h2 className="mb-3 mt-8 text-lg font-semibold">Open cases</h2>
      <OpenClaims />
    </section>
  );
}

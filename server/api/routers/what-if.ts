import { createTRPCRouter, reportProcedure } from "../trpc";
import { prefillScenario } from "../../department/what-if-prefill";

export const whatIfRouter = createTRPCRouter({
  /** The department's last 30 days as a scenario; the simulation itself runs in the browser (lib/sim is pure). */
  prefill: reportProcedure("chair", "admin").query(({ ctx }) => prefillScenario(ctx.db)),
});

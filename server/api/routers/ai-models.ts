import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { listModels, setModelEnabled, setModelThresholds } from "../../models/ai-models";
import { scoringStatus } from "../../ops/scoring-status";

const adminProcedure = roleProcedure("admin");
const id = z.string().min(1).max(100);
const threshold = z.number().min(0).max(1).nullable();

export const aiModelsRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listModels(ctx.db)),
  status: adminProcedure.query(({ ctx }) => scoringStatus(ctx.db)),
  setEnabled: adminProcedure
    .input(z.object({ id, enabled: z.boolean() }))
    .mutation(({ ctx, input }) => setModelEnabled(ctx.db, ctx.user.id, input.id, input.enabled)),
  setThresholds: adminProcedure
    .input(z.object({ id, critical: threshold, urgent: threshold }))
    .mutation(({ ctx, input }) =>
      setModelThresholds(ctx.db, ctx.user.id, input.id, { critical: input.critical, urgent: input.urgent }),
    ),
});

import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { backlogSummary, listAtRiskStudies, throughputSummary } from "../../services/department-metrics";

export const departmentRouter = createTRPCRouter({
  throughput: roleProcedure("chair", "admin")
    .input(z.object({ windowHours: z.number().int().min(1).max(24 * 90).default(24) }))
    .query(({ ctx, input }) => throughputSummary(ctx.db, new Date(), input.windowHours)),
  backlog: roleProcedure("scheduler", "chair", "admin").query(({ ctx }) => backlogSummary(ctx.db, new Date())),
  atRisk: roleProcedure("scheduler", "chair", "admin")
    .input(z.object({ horizonMinutes: z.number().int().min(0).max(24 * 60).default(30), limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => listAtRiskStudies(ctx.db, new Date(), input.horizonMinutes, input.limit)),
});

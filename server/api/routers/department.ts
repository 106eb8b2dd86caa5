import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { backlogSummary, listAtRiskStudies, throughputSummary } from "../../department/department-metrics";
import { aiAccuracy } from "../../department/ai-accuracy";
import { slaTrend } from "../../department/sla-trend";
import { clearanceForecast } from "../../department/clearance-forecast";
import { turnaroundByStage } from "../../department/turnaround-by-stage";
import { readingByReader } from "../../department/reading-by-reader";
import { hourlyLoad } from "../../department/hourly-load";
import { backlogCellStudies, backlogCrossTab } from "../../department/backlog-cross-tab";
import { getRvuTable } from "../../core/settings";
import { env } from "../../env";

export const departmentRouter = createTRPCRouter({
  throughput: roleProcedure("chair", "admin")
    .input(
      z.object({
        windowHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 90)
          .default(24),
      }),
    )
    .query(({ ctx, input }) => throughputSummary(ctx.db, new Date(), input.windowHours)),
  aiAccuracy: roleProcedure("chair", "admin")
    .input(z.object({ windowDays: z.number().int().min(1).max(365).default(30) }))
    .query(({ ctx, input }) => aiAccuracy(ctx.db, new Date(Date.now() - input.windowDays * 24 * 3600_000))),
  turnaroundByStage: roleProcedure("chair", "admin")
    .input(z.object({ days: z.number().int().min(1).max(366).default(7) }))
    .query(({ ctx, input }) => turnaroundByStage(ctx.db, new Date(), input.days)),
  slaTrend: roleProcedure("chair", "admin")
    .input(z.object({ days: z.number().int().min(1).max(366).default(28) }))
    .query(async ({ ctx, input }) => {
      const timeZone = env().DEPARTMENT_TIME_ZONE;
      return { timeZone, rows: await slaTrend(ctx.db, new Date(), input.days, timeZone) };
    }),
  /** Per reader and week: reads, work RVUs, claims and claims out of order (cherry-picking). */
  readingByReader: roleProcedure("chair", "admin")
    .input(z.object({ weeks: z.number().int().min(1).max(53).default(4) }))
    .query(async ({ ctx, input }) => {
      const timeZone = env().DEPARTMENT_TIME_ZONE;
      return {
        timeZone,
        rows: await readingByReader(ctx.db, new Date(), input.weeks, timeZone, await getRvuTable(ctx.db)),
      };
    }),
  /** Arrivals and reads by weekday × hour of the department's clock: when the backlog builds. */
  hourlyLoad: roleProcedure("chair", "admin")
    .input(z.object({ weeks: z.number().int().min(1).max(52).default(4) }))
    .query(async ({ ctx, input }) => {
      const timeZone = env().DEPARTMENT_TIME_ZONE;
      return { timeZone, weeks: input.weeks, cells: await hourlyLoad(ctx.db, new Date(), input.weeks, timeZone) };
    }),
  /** Open studies by modality × order priority × waiting time; a cell's studies on request. */
  backlogCrossTab: roleProcedure("scheduler", "chair", "admin").query(({ ctx }) => backlogCrossTab(ctx.db, new Date())),
  backlogCell: roleProcedure("scheduler", "chair", "admin")
    .input(
      z.object({
        modality: z.string().min(1).max(64),
        priority: z.string().min(1).max(16),
        age: z.number().int().min(0).max(3),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => backlogCellStudies(ctx.db, new Date(), input, input.limit)),
  backlog: roleProcedure("scheduler", "chair", "admin").query(({ ctx }) => backlogSummary(ctx.db, new Date())),
  forecast: roleProcedure("scheduler", "chair", "admin").query(({ ctx }) => clearanceForecast(ctx.db, new Date())),
  atRisk: roleProcedure("scheduler", "chair", "admin")
    .input(
      z.object({
        horizonMinutes: z
          .number()
          .int()
          .min(0)
          .max(24 * 60)
          .default(30),
        limit: z.number().int().min(1).max(500).default(100),
      }),
    )
    .query(({ ctx, input }) => listAtRiskStudies(ctx.db, new Date(), input.horizonMinutes, input.limit)),
});

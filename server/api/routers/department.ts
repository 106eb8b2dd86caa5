import { z } from "zod";
import { createTRPCRouter, reportProcedure, roleProcedure } from "../trpc";
import { backlogSummary, listAtRiskStudies, throughputSummary } from "../../department/department-metrics";
import { aiAccuracy } from "../../department/ai-accuracy";
import { slaTrend } from "../../department/sla-trend";
import { clearanceForecast } from "../../department/clearance-forecast";
import { clearanceForecastByGroup } from "../../department/group-forecast";
import { turnaroundByStage } from "../../department/turnaround-by-stage";
import { readingByReader } from "../../department/reading-by-reader";
import { readsByShift } from "../../department/reads-by-shift";
import { hourlyLoad } from "../../department/hourly-load";
import { backlogCellStudies, backlogCrossTab } from "../../department/backlog-cross-tab";
import { getRvuTable } from "../../core/settings";
import { env } from "../../env";
import { chairScopeSchema, weekdayCounts } from "@/lib/chair-scope";
import { scopeBounds } from "../../department/chair-scope-sql";
import { chairOptions } from "../../department/chair-options";

export const departmentRouter = createTRPCRouter({
  throughput: reportProcedure("chair", "admin")
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
  /** What the chair's range and filter bar offers: today on the department's clock, sources, groups. */
  chairOptions: reportProcedure("chair", "admin").query(({ ctx }) => chairOptions(ctx.db, new Date())),
  aiAccuracy: reportProcedure("chair", "admin")
    .input(chairScopeSchema)
    .query(async ({ ctx, input }) =>
      aiAccuracy(ctx.db, await scopeBounds(ctx.db, input, env().DEPARTMENT_TIME_ZONE), input.filters),
    ),
  turnaroundByStage: reportProcedure("chair", "admin")
    .input(chairScopeSchema)
    .query(async ({ ctx, input }) => {
      const timeZone = env().DEPARTMENT_TIME_ZONE;
      return turnaroundByStage(ctx.db, await scopeBounds(ctx.db, input, timeZone), input.filters, {
        from: input.from,
        to: input.to,
        timeZone,
      });
    }),
  slaTrend: reportProcedure("chair", "admin")
    .input(chairScopeSchema)
    .query(async ({ ctx, input }) => {
      const timeZone = env().DEPARTMENT_TIME_ZONE;
      const bounds = await scopeBounds(ctx.db, input, timeZone);
      return { timeZone, rows: await slaTrend(ctx.db, bounds, timeZone, input.filters) };
    }),
  /** Per reader and week: reads, work RVUs, claims and claims out of order (cherry-picking). */
  readingByReader: reportProcedure("chair", "admin")
    .input(chairScopeSchema)
    .query(async ({ ctx, input }) => {
      const timeZone = env().DEPARTMENT_TIME_ZONE;
      const [bounds, rvu] = await Promise.all([scopeBounds(ctx.db, input, timeZone), getRvuTable(ctx.db)]);
      return { timeZone, rows: await readingByReader(ctx.db, bounds, timeZone, rvu, input.filters) };
    }),
  /** Per reader and shift as worked (on-duty stretches from the audit trail): reads and work RVUs. */
  readsByShift: reportProcedure("chair", "admin")
    .input(chairScopeSchema)
    .query(async ({ ctx, input }) => {
      const timeZone = env().DEPARTMENT_TIME_ZONE;
      const [bounds, rvu] = await Promise.all([scopeBounds(ctx.db, input, timeZone), getRvuTable(ctx.db)]);
      return { timeZone, rows: await readsByShift(ctx.db, bounds, timeZone, rvu, input.filters) };
    }),
  /** Arrivals and reads by weekday × hour of the department's clock: when the backlog builds. */
  hourlyLoad: reportProcedure("chair", "admin")
    .input(chairScopeSchema)
    .query(async ({ ctx, input }) => {
      const timeZone = env().DEPARTMENT_TIME_ZONE;
      const bounds = await scopeBounds(ctx.db, input, timeZone);
      return {
        timeZone,
        weekdays: weekdayCounts(input.from, input.to),
        cells: await hourlyLoad(ctx.db, bounds, timeZone, input.filters),
      };
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
  /** The same forecast per reading group (empty while routing is off). */
  forecastByGroup: roleProcedure("scheduler", "chair", "admin").query(({ ctx }) =>
    clearanceForecastByGroup(ctx.db, new Date()),
  ),
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

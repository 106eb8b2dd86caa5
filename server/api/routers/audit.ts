import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { listAuditEvents } from "../../core/audit";
import { auditActions, searchAuditEvents } from "../../audit/audit-search";
import { auditCursorSchema, auditSearchSchema } from "@/lib/audit-search";

const auditors = roleProcedure("admin", "chair");

export const auditRouter = createTRPCRouter({
  list: auditors
    .input(
      z.object({
        limit: z.number().int().min(1).max(500).default(100),
        studyId: z.string().min(1).max(100).optional(),
        /** people: what users did; system: arrivals, scoring and other automatic events. */
        who: z.enum(["all", "people", "system"]).default("all"),
      }),
    )
    .query(({ ctx, input }) => listAuditEvents(ctx.db, input)),
  /** The audit page: search by person, action, study and days, newest first, a page at a time. */
  search: auditors
    .input(
      z.object({
        search: auditSearchSchema,
        limit: z.number().int().min(1).max(200).default(50),
        before: auditCursorSchema.optional(),
      }),
    )
    .query(({ ctx, input }) => searchAuditEvents(ctx.db, input.search, input)),
  actions: auditors.query(({ ctx }) => auditActions(ctx.db)),
});

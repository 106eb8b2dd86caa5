import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { listAuditEvents } from "../../core/audit";

export const auditRouter = createTRPCRouter({
  list: roleProcedure("admin", "chair")
    .input(
      z.object({
        limit: z.number().int().min(1).max(500).default(100),
        studyId: z.string().min(1).max(100).optional(),
        /** people: what users did; system: arrivals, scoring and other automatic events. */
        who: z.enum(["all", "people", "system"]).default("all"),
      }),
    )
    .query(({ ctx, input }) => listAuditEvents(ctx.db, input)),
});

import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { listAuditEvents } from "../../services/audit";

export const auditRouter = createTRPCRouter({
  list: roleProcedure("admin", "chair")
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100), studyId: z.string().min(1).max(100).optional() }))
    .query(({ ctx, input }) => listAuditEvents(ctx.db, input)),
});

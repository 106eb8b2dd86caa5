import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { listOpenStudies } from "../../services/worklist";

export const worklistRouter = createTRPCRouter({
  list: roleProcedure("radiologist", "scheduler", "chair")
    .input(z.object({ limit: z.number().int().min(1).max(500).default(200) }))
    .query(({ ctx, input }) => listOpenStudies(ctx.db, input)),
});

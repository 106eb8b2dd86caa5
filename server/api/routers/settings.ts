import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { rvuTableSchema } from "@/lib/routing/rvu";
import { importRvuCsv } from "../../routing/rvu-table";
import {
  getRvuTable,
  getPriorityConfig,
  getWorklistRules,
  priorityConfigSchema,
  saveSetting,
  worklistRulesSchema,
} from "../../core/settings";

const admin = roleProcedure("admin");

export const settingsRouter = createTRPCRouter({
  get: admin.query(async ({ ctx }) => ({
    priority: await getPriorityConfig(ctx.db),
    worklist: await getWorklistRules(ctx.db),
  })),
  /** Saved at once; workers recompute open studies' due times within a few seconds (long work stays out of requests). */
  savePriority: admin
    .input(priorityConfigSchema)
    .mutation(({ ctx, input }) => saveSetting(ctx.db, ctx.user.id, "priority", input)),
  saveWorklistRules: admin
    .input(worklistRulesSchema)
    .mutation(({ ctx, input }) => saveSetting(ctx.db, ctx.user.id, "worklist", input)),
  /** Work RVUs by modality and body part (push balancing, the chair's reads by reader). */
  rvu: admin.query(({ ctx }) => getRvuTable(ctx.db, { fresh: true })),
  saveRvu: admin.input(rvuTableSchema).mutation(({ ctx, input }) => saveSetting(ctx.db, ctx.user.id, "rvu", input)),
  importRvuCsv: admin
    .input(z.object({ csv: z.string().max(1_000_000, "the file is over 1 MB") }))
    .mutation(({ ctx, input }) => importRvuCsv(ctx.db, ctx.user.id, input.csv)),
});

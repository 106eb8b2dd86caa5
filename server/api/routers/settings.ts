import { createTRPCRouter, roleProcedure } from "../trpc";
import {
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
});

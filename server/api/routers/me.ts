import { createTRPCRouter, protectedProcedure } from "../trpc";
import { sectionsFor } from "@/lib/roles";
import { displayPreferencesSchema } from "@/lib/display-preferences";
import { getDisplayPreferences, saveDisplayPreferences } from "../../users/display-preferences";
import { recordSessionActivity } from "../../auth/current-user";

export const meRouter = createTRPCRouter({
  get: protectedProcedure.query(({ ctx }) => ({ ...ctx.user, sections: sectionsFor(ctx.user.roles) })),
  /** Sent by the idle-logout watcher when the person presses a key or clicks (at most once a minute). */
  active: protectedProcedure.mutation(({ ctx }) => recordSessionActivity(ctx.db, ctx.user.sessionId)),
  display: protectedProcedure.query(({ ctx }) => getDisplayPreferences(ctx.db, ctx.user.id)),
  saveDisplay: protectedProcedure
    .input(displayPreferencesSchema)
    .mutation(({ ctx, input }) => saveDisplayPreferences(ctx.db, ctx.user.id, input)),
});

import { createTRPCRouter, protectedProcedure } from "../trpc";
import { sectionsFor } from "@/lib/roles";
import { displayPreferencesSchema } from "@/lib/display-preferences";
import { getDisplayPreferences, saveDisplayPreferences } from "../../users/display-preferences";

export const meRouter = createTRPCRouter({
  get: protectedProcedure.query(({ ctx }) => ({ ...ctx.user, sections: sectionsFor(ctx.user.roles) })),
  display: protectedProcedure.query(({ ctx }) => getDisplayPreferences(ctx.db, ctx.user.id)),
  saveDisplay: protectedProcedure
    .input(displayPreferencesSchema)
    .mutation(({ ctx, input }) => saveDisplayPreferences(ctx.db, ctx.user.id, input)),
});

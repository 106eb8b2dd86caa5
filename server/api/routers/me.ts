import { createTRPCRouter, protectedProcedure } from "../trpc";
import { sectionsFor } from "@/lib/roles";

export const meRouter = createTRPCRouter({
  get: protectedProcedure.query(({ ctx }) => ({ ...ctx.user, sections: sectionsFor(ctx.user.roles) })),
});

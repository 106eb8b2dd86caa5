import { z } from "zod";
import { ROLES } from "@/lib/roles";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { createUser, listUsers, setUserDisabled, setUserRoles } from "../../users/users";

const adminProcedure = roleProcedure("admin");
const userId = z.string().min(1).max(100);
const roles = z.array(z.enum(ROLES)).max(ROLES.length);

export const usersRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  create: adminProcedure
    .input(
      z.object({
        name: z.string().trim().min(1).max(200),
        email: z.email().max(254),
        password: z.string().min(8, "must be at least 8 characters").max(200),
        roles,
      }),
    )
    .mutation(({ ctx, input }) => createUser(ctx.db, ctx.user.id, input)),
  setRoles: adminProcedure
    .input(z.object({ userId, roles }))
    .mutation(({ ctx, input }) => setUserRoles(ctx.db, ctx.user.id, input.userId, input.roles)),
  setDisabled: adminProcedure
    .input(z.object({ userId, disabled: z.boolean() }))
    .mutation(({ ctx, input }) => setUserDisabled(ctx.db, ctx.user.id, input.userId, input.disabled)),
});

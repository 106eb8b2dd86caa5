import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { routingConfigSchema } from "@/lib/routing/routing-config";
import { getRouting, saveRouting, setCredentialRequired, studyEligibility } from "../../routing/routing-settings";
import { listReaders, readerProfileInputSchema, saveReaderProfile, setOnDuty } from "../../routing/reader-profiles";
import { readerAccess } from "../../routing/reader-access";
import { getRoutingConfig } from "../../core/settings";
import { reassignStudy } from "../../assignment/reassign";
import { listSchedules, nextShiftText, saveShifts, saveShiftsInputSchema } from "../../routing/shift-schedule";
import { env } from "../../env";

const admin = roleProcedure("admin");
const staff = roleProcedure("admin", "scheduler", "chair");
const id = z.string().min(1).max(100);

export const routingRouter = createTRPCRouter({
  /** Groups, rules, sites and the rules' problems. */
  get: staff.query(({ ctx }) => getRouting(ctx.db)),
  save: admin.input(routingConfigSchema).mutation(({ ctx, input }) => saveRouting(ctx.db, ctx.user.id, input)),
  setCredentialRequired: admin
    .input(z.object({ sourceId: id, required: z.boolean() }))
    .mutation(({ ctx, input }) => setCredentialRequired(ctx.db, ctx.user.id, input.sourceId, input.required)),
  readers: staff.query(({ ctx }) => listReaders(ctx.db)),
  saveReader: admin
    .input(readerProfileInputSchema)
    .mutation(({ ctx, input }) => saveReaderProfile(ctx.db, ctx.user.id, input)),
  /** Schedulers and admins put a reader on or off duty. */
  setDuty: roleProcedure("admin", "scheduler")
    .input(z.object({ userId: id, onDuty: z.boolean() }))
    .mutation(({ ctx, input }) => setOnDuty(ctx.db, ctx.user.id, input.userId, input.onDuty)),
  /** A radiologist's own duty switch and groups. */
  me: roleProcedure("radiologist").query(async ({ ctx }) => {
    const [access, config, shift] = await Promise.all([
      readerAccess(ctx.db, ctx.user.id),
      getRoutingConfig(ctx.db),
      nextShiftText(ctx.db, ctx.user.id, new Date(), env().DEPARTMENT_TIME_ZONE),
    ]);
    return {
      routing: config.groups.length > 0,
      shift,
      onDuty: access?.onDuty ?? true,
      trainee: access?.trainee ?? false,
      groups: (access?.memberships ?? []).map((m) => config.groups.find((g) => g.key === m.group)?.label ?? m.group),
    };
  }),
  setMyDuty: roleProcedure("radiologist")
    .input(z.object({ onDuty: z.boolean() }))
    .mutation(({ ctx, input }) => setOnDuty(ctx.db, ctx.user.id, ctx.user.id, input.onDuty)),
  /** Push mode: a scheduler gives an open study to another eligible reader, or back to nobody. */
  reassign: roleProcedure("admin", "scheduler")
    .input(
      z.object({
        studyId: id,
        toUserId: id.nullable(),
        reason: z.string().trim().min(3, "say why (at least 3 characters)").max(500),
      }),
    )
    .mutation(({ ctx, input }) => reassignStudy(ctx.db, ctx.user, input.studyId, input.toUserId, input.reason)),
  /** Every reader's shifts and what their schedule says now (admins and schedulers edit them). */
  schedules: roleProcedure("admin", "scheduler").query(async ({ ctx }) => ({
    timeZone: env().DEPARTMENT_TIME_ZONE,
    readers: await listSchedules(ctx.db, new Date(), env().DEPARTMENT_TIME_ZONE),
  })),
  saveShifts: roleProcedure("admin", "scheduler")
    .input(saveShiftsInputSchema)
    .mutation(({ ctx, input }) => saveShifts(ctx.db, ctx.user.id, input, env().DEPARTMENT_TIME_ZONE)),
  /** Who may read a study and why (chairs, schedulers, admins). */
  studyEligibility: staff
    .input(z.object({ studyId: id }))
    .query(({ ctx, input }) => studyEligibility(ctx.db, input.studyId)),
});

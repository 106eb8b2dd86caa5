import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { listModels, setModelEnabled, setModelThresholds } from "../../models/ai-models";
import { setModelMode, shadowComparison } from "../../models/model-governance";
import { getValidation, listValidations, startModelVersionValidation } from "../../models/local-validation";
import { scoringStatus } from "../../ops/scoring-status";
import { dailyModelFigures, driftStatus, openDriftAlerts } from "../../models/model-drift";
import { getDriftBands, saveSetting } from "../../core/settings";
import { driftBandsSchema } from "@/lib/models/drift";
import { env } from "../../env";

const adminProcedure = roleProcedure("admin");
/** Model governance is the chair's business too: they see shadow results and validations, admins act on them. */
const governanceProcedure = roleProcedure("admin", "chair");
const id = z.string().min(1).max(100);
const threshold = z.number().min(0).max(1).nullable();

export const aiModelsRouter = createTRPCRouter({
  list: governanceProcedure.query(({ ctx }) => listModels(ctx.db)),
  status: adminProcedure.query(({ ctx }) => scoringStatus(ctx.db)),
  setEnabled: adminProcedure
    .input(z.object({ id, enabled: z.boolean() }))
    .mutation(({ ctx, input }) => setModelEnabled(ctx.db, ctx.user.id, input.id, input.enabled)),
  setThresholds: adminProcedure
    .input(z.object({ id, critical: threshold, urgent: threshold }))
    .mutation(({ ctx, input }) =>
      setModelThresholds(ctx.db, ctx.user.id, input.id, { critical: input.critical, urgent: input.urgent }),
    ),
  /** Promote a version to live (the model's other live version goes to shadow), or put it in shadow. */
  setMode: adminProcedure
    .input(z.object({ id, mode: z.enum(["LIVE", "SHADOW"]) }))
    .mutation(({ ctx, input }) => setModelMode(ctx.db, ctx.user.id, input.id, input.mode)),
  shadowComparison: governanceProcedure
    .input(z.object({ id, days: z.number().int().min(1).max(365).default(30) }))
    .query(({ ctx, input }) => shadowComparison(ctx.db, input.id, input.days)),
  validations: governanceProcedure.input(z.object({ id })).query(({ ctx, input }) => listValidations(ctx.db, input.id)),
  validation: governanceProcedure
    .input(z.object({ validationId: id }))
    .query(({ ctx, input }) => getValidation(ctx.db, input.validationId)),
  /** Each enabled version's last 24 h against its baseline, the bands it crosses, and the alerts open. */
  drift: governanceProcedure.query(async ({ ctx }) => ({
    versions: await driftStatus(ctx.db),
    open: await openDriftAlerts(ctx.db),
  })),
  /** One version's figures per department day, for its chart. */
  daily: governanceProcedure
    .input(z.object({ id, days: z.number().int().min(7).max(365).default(30) }))
    .query(({ ctx, input }) => dailyModelFigures(ctx.db, input.id, env().DEPARTMENT_TIME_ZONE, input.days)),
  driftBands: governanceProcedure.query(({ ctx }) => getDriftBands(ctx.db, { fresh: true })),
  saveDriftBands: adminProcedure
    .input(driftBandsSchema)
    .mutation(({ ctx, input }) => saveSetting(ctx.db, ctx.user.id, "drift", input)),
  /** A labels CSV uploaded on the model page: the workers run it, a slice at a time. */
  startValidation: adminProcedure
    .input(
      z.object({
        id,
        labelsName: z.string().trim().min(1).max(200),
        csv: z.string().min(1).max(2_000_000),
        targetSensitivity: z.number().gt(0).max(1).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      startModelVersionValidation(ctx.db, ctx.user.id, input.id, {
        labelsName: input.labelsName,
        labelsText: input.csv,
        targetSensitivity: input.targetSensitivity,
      }),
    ),
});

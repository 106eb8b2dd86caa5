import { on } from "node:events";
import { z } from "zod";
import { worklistFiltersSchema } from "@/lib/worklist-filters";
import { hasAnyRole } from "@/lib/roles";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { countWorklist, listWorklist } from "../../worklist/list-worklist";
import { breakClaim, claimNextCase, claimStudy, markRead, renewClaim, skipStudy } from "../../worklist/claims";
import { viewStudyDetail } from "../../worklist/study-detail";
import { listOpenClaims } from "../../worklist/open-claims";
import { giveAiFeedback } from "../../worklist/ai-feedback";
import { clearOverride, setOverride } from "../../worklist/overrides";
import { getSavedFilters, saveFilters } from "../../worklist/saved-filters";
import { worklistEvents } from "../../worklist/live-events";
import type { WorklistBatch } from "../../worklist/live-events";
import { liveChangeFor } from "../../worklist/live-change";
import { aiScoringOnline } from "../../ops/worker-presence";
import { readingScope } from "../../routing/reading-scope";
import { answerInterruption, pendingInterruption } from "../../assignment/interruptions";

const readers = roleProcedure("radiologist", "scheduler", "chair");
const radiologist = roleProcedure("radiologist");
const studyId = z.string().min(1).max(100);
const reason = z.string().trim().min(3, "say why (at least 3 characters)").max(500);

export const worklistRouter = createTRPCRouter({
  list: readers
    .input(
      z.object({
        filters: worklistFiltersSchema.optional(),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).max(1_000_000).default(0),
      }),
    )
    .query(async ({ ctx, input }) =>
      listWorklist(ctx.db, ctx.user.id, {
        ...input,
        filters: input.filters ?? (await getSavedFilters(ctx.db, ctx.user.id)),
        scope: await readingScope(ctx.db, ctx.user),
      }),
    ),
  count: readers
    .input(z.object({ filters: worklistFiltersSchema.optional() }))
    .query(async ({ ctx, input }) =>
      countWorklist(
        ctx.db,
        ctx.user.id,
        input.filters ?? (await getSavedFilters(ctx.db, ctx.user.id)),
        new Date(),
        await readingScope(ctx.db, ctx.user),
      ),
    ),
  savedFilters: readers.query(({ ctx }) => getSavedFilters(ctx.db, ctx.user.id)),
  /** Whether any worker runs: without one, nothing new arrives from the PACS and AI flags nothing. */
  workersOnline: readers.query(({ ctx }) => aiScoringOnline(ctx.db)),
  saveFilters: readers
    .input(worklistFiltersSchema)
    .mutation(({ ctx, input }) => saveFilters(ctx.db, ctx.user.id, input)),
  study: readers.input(z.object({ studyId })).query(({ ctx, input }) =>
    viewStudyDetail(ctx.db, input.studyId, {
      id: ctx.user.id,
      origin: ctx.origin,
      // Shadow-mode results are for governance (admins, chairs), never for the reading radiologist.
      seesShadowResults: hasAnyRole(ctx.user.roles, ["admin", "chair"]),
    }),
  ),
  aiFeedback: radiologist
    .input(
      z.object({
        aiResultId: studyId,
        verdict: z.enum(["confirmed", "dismissed"]),
        comment: z.string().trim().max(500).nullish(),
      }),
    )
    .mutation(({ ctx, input }) => giveAiFeedback(ctx.db, ctx.user, input)),
  nextCase: radiologist.mutation(async ({ ctx }) =>
    claimNextCase(
      ctx.db,
      ctx.user,
      await getSavedFilters(ctx.db, ctx.user.id),
      new Date(),
      await readingScope(ctx.db, ctx.user),
    ),
  ),
  claim: radiologist.input(z.object({ studyId, reason: reason.optional() })).mutation(async ({ ctx, input }) =>
    claimStudy(ctx.db, ctx.user, input.studyId, {
      filters: await getSavedFilters(ctx.db, ctx.user.id),
      reason: input.reason,
      scope: await readingScope(ctx.db, ctx.user),
    }),
  ),
  renewClaim: radiologist
    .input(z.object({ studyId }))
    .mutation(({ ctx, input }) => renewClaim(ctx.db, ctx.user, input.studyId)),
  skip: radiologist
    .input(z.object({ studyId, reason }))
    .mutation(({ ctx, input }) => skipStudy(ctx.db, ctx.user, input.studyId, input.reason)),
  markRead: radiologist
    .input(z.object({ studyId }))
    .mutation(({ ctx, input }) => markRead(ctx.db, ctx.user, input.studyId)),
  /** Push assignment with interruptions: the urgent study asking this reader to pause their case, or null. */
  interruption: radiologist.query(({ ctx }) => pendingInterruption(ctx.db, ctx.user.id)),
  answerInterruption: radiologist
    .input(z.object({ id: studyId, accept: z.boolean() }))
    .mutation(({ ctx, input }) => answerInterruption(ctx.db, ctx.user, input.id, input.accept)),
  openClaims: roleProcedure("chair", "scheduler", "admin").query(({ ctx }) => listOpenClaims(ctx.db)),
  breakClaim: roleProcedure("chair", "scheduler", "admin")
    .input(z.object({ studyId, reason }))
    .mutation(({ ctx, input }) => breakClaim(ctx.db, ctx.user, input.studyId, input.reason)),
  setOverride: roleProcedure("scheduler", "admin")
    .input(
      z.discriminatedUnion("kind", [
        z.object({ studyId, kind: z.literal("pin"), reason }),
        z.object({
          studyId,
          kind: z.literal("target"),
          minutes: z
            .number()
            .int()
            .min(1)
            .max(60 * 24 * 14),
          reason,
        }),
      ]),
    )
    .mutation(({ ctx, input }) => {
      const { studyId: id, ...override } = input;
      return setOverride(ctx.db, ctx.user.id, id, override);
    }),
  clearOverride: roleProcedure("scheduler", "admin")
    .input(z.object({ studyId }))
    .mutation(({ ctx, input }) => clearOverride(ctx.db, ctx.user.id, input.studyId)),
  /**
   * Live: every claim, release, read, arrival, score and override, gathered for a second,
   * sent as the changed rows of this user's list so open worklists reorder without asking again.
   */
  events: readers.subscription(async function* ({ ctx, signal }) {
    for await (const [batch] of on(worklistEvents(), "batch", { signal }))
      yield await liveChangeFor(ctx.db, ctx.user, batch as WorklistBatch);
  }),
});

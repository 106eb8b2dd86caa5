import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../trpc";
import { pacsCapabilitiesSchema } from "../../pacs/source-config";
import {
  createSource,
  listSources,
  requestSync,
  setSourceEnabled,
  testConnection,
  updateSource,
} from "../../pacs/pacs-sources";

const adminProcedure = roleProcedure("admin");
const id = z.string().min(1).max(100);
const optionalPath = z
  .string()
  .trim()
  .max(200)
  .regex(/^[\w\-./]*$/, "letters, digits, - _ . / only")
  .nullish();

const sourceInput = z.object({
  name: z.string().trim().min(1).max(100),
  baseUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(500),
  qidoRoot: optionalPath,
  wadoRoot: optionalPath,
  stowRoot: optionalPath,
  authType: z.enum(["none", "basic", "bearer"]),
  username: z.string().max(200).nullish(),
  secret: z.string().max(2000).nullish(),
  timeoutMs: z.number().int().min(500).max(300_000),
  capabilities: pacsCapabilitiesSchema.partial(),
  locationTag: z.string().regex(/^[0-9A-Fa-f]{8}$/, "a DICOM tag as 8 hex digits, e.g. 00380300"),
  backfillDays: z.number().int().min(0).max(3650),
  syncIntervalSeconds: z.number().int().min(5).max(86_400),
  enabled: z.boolean(),
  writeResultsBack: z.boolean().default(false),
});

export const pacsSourcesRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listSources(ctx.db)),
  create: adminProcedure.input(sourceInput).mutation(({ ctx, input }) => createSource(ctx.db, ctx.user.id, input)),
  update: adminProcedure
    .input(z.object({ id, settings: sourceInput }))
    .mutation(({ ctx, input }) => updateSource(ctx.db, ctx.user.id, input.id, input.settings)),
  setEnabled: adminProcedure
    .input(z.object({ id, enabled: z.boolean() }))
    .mutation(({ ctx, input }) => setSourceEnabled(ctx.db, ctx.user.id, input.id, input.enabled)),
  syncNow: adminProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => requestSync(ctx.db, ctx.user.id, input.id)),
  testConnection: adminProcedure
    .input(
      z
        .object({ id: id.optional(), settings: sourceInput.optional() })
        .refine((v) => v.id || v.settings, "give a source id or settings"),
    )
    .mutation(({ ctx, input }) => testConnection(ctx.db, input)),
});

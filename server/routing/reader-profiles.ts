import { z } from "zod";
import type { Db } from "../db/client";
import { recordAudit } from "../core/audit";
import { NotFoundError, InvalidRequestError } from "../core/errors";
import { notifyWorklist } from "../core/worklist-events";
import { getRoutingConfig } from "../core/settings";
import { groupKeySchema } from "@/lib/routing/routing-config";
import { credentialValid } from "@/lib/routing/eligibility";
import { forgetCoverage } from "./reader-access";

const upper = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .transform((v) => v.toUpperCase());

export const readerProfileInputSchema = z.object({
  userId: z.string().min(1).max(100),
  trainee: z.boolean(),
  capRvu: z.number().positive().max(10_000).nullable(),
  memberships: z
    .array(
      z.object({
        group: groupKeySchema,
        modalities: z.array(upper).max(20).default([]),
        bodyParts: z.array(upper).max(40).default([]),
      }),
    )
    .max(50),
  credentials: z
    .array(
      z.object({
        sourceId: z.string().min(1).max(100),
        /** YYYY-MM-DD, or null for no expiry. */
        expiresOn: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/, "an expiry date is YYYY-MM-DD")
          .nullable(),
      }),
    )
    .max(100),
});
export type ReaderProfileInput = z.infer<typeof readerProfileInputSchema>;

/** Every enabled radiologist with their profile, groups and credentials (admin and scheduler pages). */
export async function listReaders(db: Db, now = new Date()) {
  const rows = await db.user.findMany({
    where: { disabled: false, roles: { has: "radiologist" } },
    select: {
      id: true,
      name: true,
      email: true,
      readerProfile: { select: { trainee: true, onDuty: true, capRvu: true } },
      readerGroups: { select: { groupKey: true, modalities: true, bodyParts: true }, orderBy: { groupKey: "asc" } },
      credentials: { select: { sourceId: true, expiresOn: true, source: { select: { name: true } } } },
    },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    trainee: r.readerProfile?.trainee ?? false,
    onDuty: r.readerProfile?.onDuty ?? true,
    capRvu: r.readerProfile?.capRvu ?? null,
    memberships: r.readerGroups.map((m) => ({ group: m.groupKey, modalities: m.modalities, bodyParts: m.bodyParts })),
    credentials: r.credentials.map((c) => ({
      sourceId: c.sourceId,
      site: c.source.name,
      expiresOn: c.expiresOn ? c.expiresOn.toISOString().slice(0, 10) : null,
      valid: credentialValid(c, now),
    })),
  }));
}

/**
 * An admin sets a reader's groups (with privileges), site credentials, trainee status and
 * cap. Audited with the before and after; open worklists refetch, since what the reader may
 * read (and which groups are covered) may have changed. A claim the reader holds stays theirs.
 */
export async function saveReaderProfile(db: Db, actorId: string, input: ReaderProfileInput) {
  const user = await db.user.findUnique({ where: { id: input.userId }, select: { id: true, roles: true } });
  if (!user) throw new NotFoundError("User", input.userId);
  if (!user.roles.includes("radiologist"))
    throw new InvalidRequestError("Only radiologists have reader profiles: give this user the radiologist role first.");
  const groups = input.memberships.map((m) => m.group);
  if (new Set(groups).size !== groups.length) throw new InvalidRequestError("A group is listed twice.");
  const config = await getRoutingConfig(db, { fresh: true });
  const unknown = groups.find((g) => !config.groups.some((x) => x.key === g));
  if (unknown) throw new InvalidRequestError(`"${unknown}" is not a reading group; add it under Routing first.`);
  const sourceIds = input.credentials.map((c) => c.sourceId);
  const known = await db.pacsSource.findMany({ where: { id: { in: sourceIds } }, select: { id: true } });
  const missing = sourceIds.find((id) => !known.some((k) => k.id === id));
  if (missing) throw new InvalidRequestError(`Site ${missing} does not exist.`);

  await db.$transaction(async (tx) => {
    const before = await tx.readerGroupMembership.findMany({ where: { userId: input.userId } });
    await tx.readerProfile.upsert({
      where: { userId: input.userId },
      create: { userId: input.userId, trainee: input.trainee, capRvu: input.capRvu },
      update: { trainee: input.trainee, capRvu: input.capRvu },
    });
    await tx.readerGroupMembership.deleteMany({ where: { userId: input.userId } });
    if (input.memberships.length)
      await tx.readerGroupMembership.createMany({
        data: input.memberships.map((m) => ({
          userId: input.userId,
          groupKey: m.group,
          modalities: m.modalities,
          bodyParts: m.bodyParts,
        })),
      });
    await tx.readerCredential.deleteMany({ where: { userId: input.userId } });
    if (input.credentials.length)
      await tx.readerCredential.createMany({
        data: input.credentials.map((c) => ({
          userId: input.userId,
          sourceId: c.sourceId,
          expiresOn: c.expiresOn ? new Date(`${c.expiresOn}T00:00:00Z`) : null,
        })),
      });
    await recordAudit(tx, {
      actorId,
      action: "reader.profile",
      details: { ...input, groupsBefore: before.map((m) => m.groupKey) },
    });
    await notifyWorklist(tx, { type: "routing", studyId: "" });
  });
  forgetCoverage();
}

/** A reader goes on or off duty (themselves, or a scheduler or admin for them); audited, and open worklists refetch. */
export async function setOnDuty(db: Db, actorId: string, userId: string, onDuty: boolean) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { roles: true } });
  if (!user) throw new NotFoundError("User", userId);
  if (!user.roles.includes("radiologist")) throw new InvalidRequestError("Only radiologists go on and off duty.");
  await db.$transaction(async (tx) => {
    await tx.readerProfile.upsert({ where: { userId }, create: { userId, onDuty }, update: { onDuty } });
    await recordAudit(tx, { actorId, action: onDuty ? "reader.on-duty" : "reader.off-duty", details: { userId } });
    await notifyWorklist(tx, { type: "routing", studyId: "" });
  });
  forgetCoverage();
  return { userId, onDuty };
}

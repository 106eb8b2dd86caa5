import { z } from "zod";
import type { Db } from "../db/client";
import { recordAudit } from "../core/audit";
import { InvalidRequestError, NotFoundError } from "../core/errors";
import { notifyWorklist } from "../core/worklist-events";
import { getRoutingConfig } from "../core/settings";
import { describeShift, nextShiftChange, scheduledDuty, shiftInputSchema, type ShiftEntry } from "@/lib/routing/shifts";
import { forgetCoverage } from "./reader-access";

export const saveShiftsInputSchema = z.object({
  userId: z.string().min(1).max(100),
  shifts: z.array(shiftInputSchema).max(200),
});
export type SaveShiftsInput = z.input<typeof saveShiftsInputSchema>;

type ShiftRow = {
  id: string;
  weekday: number | null;
  date: Date | null;
  startMinute: number;
  endMinute: number;
  groups: string[];
  off: boolean;
};

const toEntry = (s: ShiftRow): ShiftEntry => ({
  weekday: s.weekday,
  date: s.date ? s.date.toISOString().slice(0, 10) : null,
  startMinute: s.startMinute,
  endMinute: s.endMinute,
  groups: s.groups,
  off: s.off,
});

const shiftSelect = {
  id: true,
  weekday: true,
  date: true,
  startMinute: true,
  endMinute: true,
  groups: true,
  off: true,
} as const;

/**
 * Every enabled radiologist's schedule (weekly shifts first, then one-off changes by date)
 * with what it says now and whether they are on duty (the schedule page). One-off changes
 * more than a week past are left out: they no longer matter.
 */
export async function listSchedules(db: Db, now: Date, timeZone: string) {
  const since = new Date(now.getTime() - 7 * 86_400_000);
  const rows = await db.user.findMany({
    where: { disabled: false, roles: { has: "radiologist" } },
    select: {
      id: true,
      name: true,
      readerProfile: { select: { onDuty: true, shiftGroups: true } },
      readerGroups: { select: { groupKey: true }, orderBy: { groupKey: "asc" } },
      shifts: {
        where: { OR: [{ date: null }, { date: { gte: since } }] },
        select: shiftSelect,
        orderBy: [{ date: "asc" }, { weekday: "asc" }, { startMinute: "asc" }],
      },
    },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => {
    const shifts = r.shifts.map(toEntry);
    return {
      id: r.id,
      name: r.name,
      groups: r.readerGroups.map((g) => g.groupKey),
      onDuty: r.readerProfile?.onDuty ?? true,
      coveringGroups: r.readerProfile?.shiftGroups ?? [],
      scheduled: scheduledDuty(shifts, now, timeZone),
      shifts: shifts.map((s) => ({ ...s, text: describeShift(s) })),
    };
  });
}

/**
 * An admin or scheduler replaces a reader's schedule. A shift may only cover groups the
 * reader belongs to. Audited with the schedule before and after; the new schedule applies at
 * once (a shift that covers now puts the reader on duty).
 */
export async function saveShifts(
  db: Db,
  actorId: string,
  input: z.output<typeof saveShiftsInputSchema>,
  timeZone: string,
) {
  const user = await db.user.findUnique({
    where: { id: input.userId },
    select: { roles: true, readerGroups: { select: { groupKey: true } } },
  });
  if (!user) throw new NotFoundError("User", input.userId);
  if (!user.roles.includes("radiologist")) throw new InvalidRequestError("Only radiologists have shifts.");
  const config = await getRoutingConfig(db, { fresh: true });
  const label = (g: string) => config.groups.find((x) => x.key === g)?.label ?? g;
  for (const s of input.shifts)
    for (const g of s.groups)
      if (!user.readerGroups.some((m) => m.groupKey === g))
        throw new InvalidRequestError(
          `${describeShift(s)}: the reader is not in the ${label(g)} group; add them to it under Readers first.`,
        );

  await db.$transaction(async (tx) => {
    const before = await tx.readerShift.findMany({ where: { userId: input.userId }, select: shiftSelect });
    await tx.readerShift.deleteMany({ where: { userId: input.userId } });
    if (input.shifts.length)
      await tx.readerShift.createMany({
        data: input.shifts.map((s) => ({
          userId: input.userId,
          weekday: s.weekday,
          date: s.date ? new Date(`${s.date}T00:00:00Z`) : null,
          startMinute: s.startMinute,
          endMinute: s.endMinute,
          groups: s.groups,
          off: s.off,
        })),
      });
    await recordAudit(tx, {
      actorId,
      action: "reader.shifts",
      details: {
        userId: input.userId,
        before: before.map((s) => describeShift(toEntry(s))),
        after: input.shifts.map(describeShift),
      },
    });
  });
  return applyShiftSchedule(db, new Date(), timeZone, { userIds: [input.userId] });
}

/**
 * Moves readers on and off duty as their shifts start and end. Only an edge moves the
 * switch: the profile remembers what the schedule last said (scheduledOnDuty), so a reader
 * who signs off early stays off until their next shift, and one who stays on late stays on
 * until they switch off. A reader whose schedule was emptied goes back to the switch alone.
 *
 * Each change is one conditional UPDATE, so when several workers run this at once only one
 * of them makes (and audits) it. Returns the readers it moved.
 */
export async function applyShiftSchedule(
  db: Db,
  now: Date,
  timeZone: string,
  options: { userIds?: string[] } = {},
): Promise<{ userId: string; onDuty: boolean | null; groups: string[] }[]> {
  const rows = await db.user.findMany({
    where: {
      disabled: false,
      roles: { has: "radiologist" },
      ...(options.userIds ? { id: { in: options.userIds } } : {}),
      OR: [{ shifts: { some: {} } }, { readerProfile: { scheduledOnDuty: { not: null } } }],
    },
    select: {
      id: true,
      readerProfile: { select: { scheduledOnDuty: true, shiftGroups: true } },
      shifts: { select: shiftSelect },
    },
  });
  const moved: { userId: string; onDuty: boolean | null; groups: string[] }[] = [];
  for (const r of rows) {
    const state = scheduledDuty(r.shifts.map(toEntry), now, timeZone);
    const last = r.readerProfile?.scheduledOnDuty ?? null;
    const lastGroups = r.readerProfile?.shiftGroups ?? [];
    const groups = state?.onDuty ? state.groups : [];
    if ((state?.onDuty ?? null) === last && groups.join() === lastGroups.join()) continue;
    const changed = await db.$transaction(async (tx) => {
      // The schedule's state as this worker saw it; another worker may have applied it already.
      const count = await tx.$executeRaw`
        INSERT INTO "ReaderProfile" ("userId", "onDuty", "scheduledOnDuty", "shiftGroups", "updatedAt")
        VALUES (${r.id}, ${state?.onDuty ?? true}, ${state?.onDuty ?? null}, ${groups}::text[], now())
        ON CONFLICT ("userId") DO UPDATE SET
          "onDuty" = CASE WHEN EXCLUDED."scheduledOnDuty" IS NULL THEN "ReaderProfile"."onDuty" ELSE EXCLUDED."onDuty" END,
          "scheduledOnDuty" = EXCLUDED."scheduledOnDuty",
          "shiftGroups" = EXCLUDED."shiftGroups",
          "updatedAt" = now()
        WHERE "ReaderProfile"."scheduledOnDuty" IS NOT DISTINCT FROM ${last}
          AND "ReaderProfile"."shiftGroups" = ${lastGroups}::text[]`;
      if (count === 0) return false;
      await recordAudit(tx, {
        actorId: null,
        action: state === null ? "reader.schedule-cleared" : state.onDuty ? "reader.shift-start" : "reader.shift-end",
        details: { userId: r.id, groups },
      });
      await notifyWorklist(tx, { type: "routing", studyId: "" });
      return true;
    });
    if (changed) moved.push({ userId: r.id, onDuty: state?.onDuty ?? null, groups });
  }
  if (moved.length) forgetCoverage();
  return moved;
}

/**
 * What a reader's own schedule says next, in words for their duty switch ("shift ends Mon 16:00",
 * "next shift Tue 22:00 (Neuro)"), or null without a schedule or a change in the coming week.
 */
export async function nextShiftText(db: Db, userId: string, now: Date, timeZone: string): Promise<string | null> {
  const shifts = (await db.readerShift.findMany({ where: { userId }, select: shiftSelect })).map(toEntry);
  const next = nextShiftChange(shifts, now, timeZone);
  if (!next) return null;
  const when = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(next.at);
  if (!next.duty.onDuty) return `shift ends ${when}`;
  const config = await getRoutingConfig(db);
  const groups = next.duty.groups.map((g) => config.groups.find((x) => x.key === g)?.label ?? g);
  return `next shift ${when}${groups.length ? ` (${groups.join(", ")})` : ""}`;
}

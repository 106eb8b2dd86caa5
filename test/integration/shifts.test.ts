import { beforeEach, describe, expect, it } from "vitest";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { makeReader } from "../support/readers";
import { saveSetting } from "@/server/core/settings";
import { refreshPriorities } from "@/server/worklist/refresh-priority";
import { listWorklist } from "@/server/worklist/list-worklist";
import { readingScope } from "@/server/routing/reading-scope";
import { forgetCoverage } from "@/server/routing/reader-access";
import { setOnDuty } from "@/server/routing/reader-profiles";
import {
  applyShiftSchedule,
  listSchedules,
  nextShiftText,
  saveShifts,
  saveShiftsInputSchema,
} from "@/server/routing/shift-schedule";
import { assignOpenStudies, forgetLoads } from "@/server/assignment/assign-studies";
import { routingConfigSchema } from "@/lib/routing/routing-config";
import { NO_FILTERS } from "@/lib/worklist-filters";
import type { CurrentUser } from "@/server/auth/current-user";

const TZ = "UTC";
// A Monday far from the test's real clock (2030-01-07 is a Monday: `date -d 2030-01-07 +%A`).
const at = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2030, 0, 7 + day, hour, minute));

let source: string;
let admin: CurrentUser;
let n = 0;

async function addStudy(bodyPart: string, modality = "CT") {
  n += 1;
  const s = await testDb().study.create({
    data: {
      sourceId: source,
      studyInstanceUid: `1.2.826.77.${n}`,
      accessionNumber: `S${n}`,
      patientId: `MRN${n}`,
      modalities: [modality],
      bodyPart,
      orderPriority: "ROUTINE",
      patientLocation: "ED",
      firstSeenAt: new Date(Date.now() - 60_000),
    },
  });
  await refreshPriorities(testDb(), [s.id]);
  return s;
}

const reader = (groups: string[]) => makeReader(admin.id, groups);

const shifts = (userId: string, list: Record<string, unknown>[]) =>
  saveShiftsInputSchema.parse({
    userId,
    shifts: list.map((s) => ({ weekday: null, date: null, ...s })),
  });

const profile = (userId: string) =>
  testDb().readerProfile.findUniqueOrThrow({
    where: { userId },
    select: { onDuty: true, scheduledOnDuty: true, shiftGroups: true },
  });

const visibleIds = async (u: CurrentUser, now = new Date()) => {
  forgetCoverage();
  return (
    await listWorklist(testDb(), u.id, {
      filters: NO_FILTERS,
      limit: 50,
      offset: 0,
      scope: await readingScope(testDb(), u, now),
    })
  ).rows.map((r) => r.id);
};

beforeEach(async () => {
  await resetDatabase();
  forgetCoverage();
  forgetLoads();
  source = await makeOfflineSource();
  admin = await makeUser(["admin"]);
  await saveSetting(
    testDb(),
    admin.id,
    "routing",
    routingConfigSchema.parse({
      groups: [
        { key: "neuro", label: "Neuro" },
        { key: "general", label: "General" },
      ],
      rules: [{ id: "head", name: "CT HEAD", group: "neuro", modalities: ["CT"], bodyParts: ["HEAD"] }],
      defaultGroup: "general",
      overflowGroup: "general",
    }),
  );
});

describe("shift schedules", () => {
  it("moves a reader on and off duty at shift edges only; a duty switch in between holds until the next edge", async () => {
    const r = await reader(["neuro"]);
    // Monday 08:00–16:00 weekly; a schedule saved now (a 2026 date) is outside it, so the reader goes off duty.
    await saveShifts(testDb(), admin.id, shifts(r.id, [{ weekday: 1, start: "08:00", end: "16:00" }]), TZ);
    const saved = await testDb().auditEvent.findFirstOrThrow({ where: { action: "reader.shifts" } });
    expect(saved).toMatchObject({
      actorId: admin.id,
      details: { userId: r.id, before: [], after: ["Monday 08:00–16:00"] },
    });

    expect(await profile(r.id)).toEqual({ onDuty: false, scheduledOnDuty: false, shiftGroups: [] });
    expect(await applyShiftSchedule(testDb(), at(0, 7, 59), TZ)).toEqual([]);
    expect(await applyShiftSchedule(testDb(), at(0, 8), TZ)).toEqual([{ userId: r.id, onDuty: true, groups: [] }]);
    expect(await profile(r.id)).toEqual({ onDuty: true, scheduledOnDuty: true, shiftGroups: [] });
    expect(await testDb().auditEvent.count({ where: { action: "reader.shift-start" } })).toBe(1);

    // The reader signs off early: the schedule does not put them back on within the same shift.
    await setOnDuty(testDb(), r.id, r.id, false);
    expect(await applyShiftSchedule(testDb(), at(0, 12), TZ)).toEqual([]);
    expect((await profile(r.id)).onDuty).toBe(false);

    // The shift ends; they stay on late by their switch; Tuesday the schedule still says off, so nothing moves.
    expect(await applyShiftSchedule(testDb(), at(0, 16), TZ)).toEqual([{ userId: r.id, onDuty: false, groups: [] }]);
    await setOnDuty(testDb(), r.id, r.id, true);
    expect(await applyShiftSchedule(testDb(), at(1, 9), TZ)).toEqual([]);
    expect((await profile(r.id)).onDuty).toBe(true);
    // Two ends: the save (outside a shift) and 16:00.
    expect(await testDb().auditEvent.count({ where: { action: "reader.shift-end" } })).toBe(2);

    // Emptying the schedule leaves the switch alone and forgets what the schedule said.
    await saveShifts(testDb(), admin.id, shifts(r.id, []), TZ);
    expect(await profile(r.id)).toEqual({ onDuty: true, scheduledOnDuty: null, shiftGroups: [] });
    expect(await testDb().auditEvent.count({ where: { action: "reader.schedule-cleared" } })).toBe(1);
  });

  it("a shift covering some of a reader's groups shows them only those; what nobody on duty reads stays on the unscoped list", async () => {
    const both = await reader(["neuro", "general"]);
    const generalist = await reader(["general"]);
    const head = await addStudy("HEAD");
    const chest = await addStudy("CHEST", "CR");
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    // A one-off shift today covering the neuro group only, all day.
    await saveShifts(
      testDb(),
      admin.id,
      shifts(both.id, [{ date: today, start: "00:00", end: "24:00", groups: ["neuro"] }]),
      TZ,
    );
    expect(await profile(both.id)).toEqual({ onDuty: true, scheduledOnDuty: true, shiftGroups: ["neuro"] });
    expect(await visibleIds(both)).toEqual([head.id]);
    expect(await visibleIds(generalist)).toEqual([chest.id]);

    // The generalist's only shift is in 2030: off duty now. Nobody on duty reads general now, yet
    // the chest radiograph stays on the unscoped list (the scheduler's backlog).
    await saveShifts(
      testDb(),
      admin.id,
      shifts(generalist.id, [{ date: "2030-01-07", start: "08:00", end: "09:00" }]),
      TZ,
    );
    expect((await profile(generalist.id)).onDuty).toBe(false);
    const everyone = (await listWorklist(testDb(), admin.id, { filters: NO_FILTERS, limit: 50, offset: 0 })).rows.map(
      (x) => x.id,
    );
    expect(everyone.sort()).toEqual([head.id, chest.id].sort());

    const list = await listSchedules(testDb(), now, TZ);
    expect(list.find((x) => x.id === both.id)).toMatchObject({
      onDuty: true,
      coveringGroups: ["neuro"],
      scheduled: { onDuty: true, groups: ["neuro"] },
      shifts: [{ text: `${today} 00:00–24:00`, groups: ["neuro"] }],
    });
  });

  it("a shift ending hands the reader's unread assignments back out (push)", async () => {
    await saveSetting(
      testDb(),
      admin.id,
      "routing",
      routingConfigSchema.parse({
        groups: [{ key: "neuro", label: "Neuro" }],
        rules: [],
        defaultGroup: "neuro",
        assignment: "push",
      }),
    );
    const day = await reader(["neuro"]);
    const night = await reader(["neuro"]);
    const today = new Date().toISOString().slice(0, 10);
    await saveShifts(testDb(), admin.id, shifts(day.id, [{ date: today, start: "00:00", end: "24:00" }]), TZ);
    await setOnDuty(testDb(), night.id, night.id, false);
    const studies = [await addStudy("HEAD"), await addStudy("HEAD")];
    await assignOpenStudies(testDb());
    for (const s of studies)
      expect((await testDb().study.findUniqueOrThrow({ where: { id: s.id } })).assignedToId).toBe(day.id);

    // Tomorrow the one-off shift is over: the day reader goes off; the night reader comes on by switch.
    const tomorrow = new Date(Date.now() + 86_400_000);
    expect(await applyShiftSchedule(testDb(), tomorrow, TZ)).toEqual([{ userId: day.id, onDuty: false, groups: [] }]);
    await setOnDuty(testDb(), night.id, night.id, true);
    forgetCoverage();
    await assignOpenStudies(testDb());
    for (const s of studies)
      expect((await testDb().study.findUniqueOrThrow({ where: { id: s.id } })).assignedToId).toBe(night.id);
  });

  it("tells the reader when their shift ends or the next one starts, with its groups", async () => {
    const r = await reader(["neuro", "general"]);
    await saveShifts(
      testDb(),
      admin.id,
      shifts(r.id, [
        { weekday: 1, start: "08:00", end: "16:00" },
        { weekday: 2, start: "22:00", end: "06:00", groups: ["neuro"] },
      ]),
      TZ,
    );
    expect(await nextShiftText(testDb(), r.id, at(0, 9), TZ)).toBe("shift ends Mon 16:00");
    expect(await nextShiftText(testDb(), r.id, at(0, 17), TZ)).toBe("next shift Tue 22:00 (Neuro)");
    expect(await nextShiftText(testDb(), admin.id, at(0, 9), TZ)).toBeNull();
  });

  it("several workers applying the same edge at once move the reader once", async () => {
    const r = await reader(["neuro"]);
    await saveShifts(testDb(), admin.id, shifts(r.id, [{ weekday: 1, start: "08:00", end: "16:00" }]), TZ);
    const results = await Promise.all(Array.from({ length: 6 }, () => applyShiftSchedule(testDb(), at(0, 9), TZ)));
    expect(results.flat()).toHaveLength(1);
    expect(await testDb().auditEvent.count({ where: { action: "reader.shift-start" } })).toBe(1);
  });

  it("refuses a shift for a group the reader is not in, and saves nothing", async () => {
    const r = await reader(["neuro"]);
    await expect(
      saveShifts(
        testDb(),
        admin.id,
        shifts(r.id, [{ weekday: 2, start: "22:00", end: "06:00", groups: ["general"] }]),
        TZ,
      ),
    ).rejects.toThrow("Tuesday 22:00–06:00: the reader is not in the General group");
    expect(await testDb().readerShift.count()).toBe(0);
    expect(await testDb().auditEvent.count({ where: { action: "reader.shifts" } })).toBe(0);
  });
});

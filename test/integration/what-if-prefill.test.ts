import { beforeEach, describe, expect, it } from "vitest";
import { makeUser, resetDatabase, testDb } from "../support/db";
import { makeReader } from "../support/readers";
import { getRoutingConfig, saveSetting } from "@/server/core/settings";
import { setOnDuty } from "@/server/routing/reader-profiles";
import { saveShifts, saveShiftsInputSchema } from "@/server/routing/shift-schedule";
import { prefillScenario } from "@/server/department/what-if-prefill";
import { routingConfigSchema } from "@/lib/routing/routing-config";
import { simulate } from "@/lib/sim/simulate";
import type { CurrentUser } from "@/server/auth/current-user";

let admin: CurrentUser;

const reader = (groups: string[]) => makeReader(admin.id, groups);

beforeEach(async () => {
  await resetDatabase();
  admin = await makeUser(["admin"]);
});

describe("what-if prefill with the site's reading groups", () => {
  it("names the site's readers with their groups and Monday hours, and the result simulates", async () => {
    expect((await prefillScenario(testDb())).scenario.routing).toBeUndefined(); // routing off
    await saveSetting(
      testDb(),
      admin.id,
      "routing",
      routingConfigSchema.parse({
        groups: [
          { key: "neuro", label: "Neuro", overflowMinutes: 60 },
          { key: "general", label: "General" },
        ],
        rules: [],
        defaultGroup: "general",
        overflowGroup: "general",
        assignment: "push",
      }),
    );
    const neuro = await reader(["neuro"]);
    const general = await reader(["general"]);
    const away = await reader(["general"]);
    await setOnDuty(testDb(), away.id, away.id, false);
    await testDb().readerProfile.update({ where: { userId: general.id }, data: { capRvu: 6.5 } });
    // Monday 08:00–16:00 and Sunday 22:00–02:00 (running into Monday): Monday's hours are 0, 1 and 8–15.
    await saveShifts(
      testDb(),
      admin.id,
      saveShiftsInputSchema.parse({
        userId: neuro.id,
        shifts: [
          { weekday: 1, date: null, start: "08:00", end: "16:00" },
          { weekday: 7, date: null, start: "22:00", end: "02:00" },
        ],
      }),
      "UTC",
    );
    const prefill = await prefillScenario(testDb());
    expect(prefill.scenario.routing).toEqual({
      groups: [
        { key: "neuro", label: "Neuro", overflowMinutes: 60 },
        { key: "general", label: "General", overflowMinutes: null },
      ],
      overflowGroup: "general",
      assignment: "push",
      readers: [
        {
          name: neuro.name,
          groups: ["neuro"],
          hours: [0, 1, 8, 9, 10, 11, 12, 13, 14, 15],
          trainee: false,
          capRvu: null,
        },
        {
          name: general.name,
          groups: ["general"],
          hours: Array.from({ length: 24 }, (_, h) => h),
          trainee: false,
          capRvu: 6.5,
        },
      ],
    });
    expect(prefill.scenario.classes.every((c) => c.group === "general")).toBe(true);
    expect(prefill.basis.join(" ")).toContain("Reading groups and 2 readers from this site's routing");
    expect(prefill.scenario.interruptions).toBe("none");
    // The site's interruptions become the simulator's policy.
    await saveSetting(testDb(), admin.id, "routing", { ...(await getRoutingConfig(testDb())), interruptions: true });
    const withInterruptions = await prefillScenario(testDb());
    expect(withInterruptions.scenario.interruptions).toBe("critical");
    expect(withInterruptions.basis.join(" ")).toContain(
      "push assignment with interruptions (simulated for AI-critical studies) as set",
    );
    // It simulates: one general reader cannot read the example department's general work (2.55 readers' worth),
    // and the neuro reader is not in the overflow group, so the run says so.
    const result = simulate({ ...prefill.scenario, days: 3 });
    expect(result.summary[0]).toMatch(/^These readers cannot keep up/);
  });
});

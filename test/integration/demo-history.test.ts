import { beforeEach, describe, expect, it } from "vitest";
import { loadDemoHistory, demoHistoryMark } from "@/server/runtime/demo-history";
import { planDemoHistory } from "@/lib/synthetic/demo-history";
import { seedDemoUsers } from "@/server/users/demo-users";
import { throughputSummary } from "@/server/department/department-metrics";
import { aiAccuracy } from "@/server/department/ai-accuracy";
import { prefillScenario } from "@/server/department/what-if-prefill";
import { countWorklist } from "@/server/worklist/list-worklist";
import { readingByReader } from "@/server/department/reading-by-reader";
import { readsByShift } from "@/server/department/reads-by-shift";
import { STARTER_RVU_TABLE } from "@/lib/routing/rvu";
import { NO_FILTERS } from "@/lib/worklist-filters";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { recomputedArrivals, recomputedRollup, storedArrivals, storedRollup } from "../support/read-rollup";
import { from, lastWeeks } from "../support/chair-scope";

const now = new Date("2026-12-02T21:00:00Z");
const SEED = 5;

describe("the demo's four weeks of history in a real database", () => {
  beforeEach(async () => {
    await resetDatabase();
    await seedDemoUsers(testDb());
  });

  it("loads once: a second start adds nothing, and the install is marked as demo data", async () => {
    const sourceId = await makeOfflineSource();
    expect(await demoHistoryMark(testDb())).toBeNull();
    const planned = planDemoHistory(SEED, now);
    expect(await loadDemoHistory(testDb(), sourceId, { now, seed: SEED })).toBe(planned.length);
    expect(await testDb().study.count()).toBe(planned.length);
    expect(await loadDemoHistory(testDb(), sourceId, { now, seed: SEED })).toBe(0);
    expect(await testDb().study.count()).toBe(planned.length);
    expect(await testDb().aiResult.count()).toBe(planned.filter((s) => s.ai).length);
    expect(await testDb().aiFeedback.count()).toBe(planned.filter((s) => s.feedback).length);
    expect(await demoHistoryMark(testDb())).toMatchObject({ studies: planned.length, to: now.toISOString() });
    // Three readers read it, two of them history-only colleagues of the demo radiologist.
    const readers = await testDb().study.groupBy({ by: ["readById"], _count: { _all: true } });
    expect(readers).toHaveLength(3);
    // Each read began with a Next case claim, audited as a live one: the chair's reads-by-reader table counts them.
    const weeks = await readingByReader(testDb(), await lastWeeks(now, 6, "UTC"), "UTC", STARTER_RVU_TABLE);
    expect(weeks.reduce((n, w) => n + w.claims, 0)).toBe(planned.length);
    expect(weeks.reduce((n, w) => n + w.reads, 0)).toBe(planned.length);
    expect(weeks.every((w) => w.outOfOrder === 0)).toBe(true);
    expect(new Set(weeks.map((w) => w.readerId)).size).toBe(3);
    // The colleagues went on and off duty for their day shifts (08:00–18:00 UTC), 28 whole days and
    // today's; each shift's reads are the plan's reads by that reader in those hours.
    const perShift = await readsByShift(testDb(), await lastWeeks(now, 6, "UTC"), "UTC", STARTER_RVU_TABLE);
    const colleagues = [
      { reader: 1, email: "nora.neuro@readnext.local" },
      { reader: 2, email: "ben.body@readnext.local" },
    ];
    const ids: string[] = [];
    for (const c of colleagues) {
      const id = (await testDb().user.findUniqueOrThrow({ where: { email: c.email } })).id;
      ids.push(id);
      const shifts = perShift.filter((r) => r.readerId === id && r.start);
      expect(shifts).toHaveLength(29);
      for (const r of shifts) {
        expect([r.start!.getUTCHours(), r.end!.getTime() - r.start!.getTime()]).toEqual([8, 10 * 3600_000]);
        expect(r.reads).toBe(
          planned.filter((s) => s.reader === c.reader && s.readAt >= r.start! && s.readAt < r.end!).length,
        );
      }
    }
    expect(perShift.reduce((n, r) => n + r.reads, 0)).toBe(planned.length);
    expect(perShift.filter((r) => r.start && !ids.includes(r.readerId))).toEqual([]);
    // The history goes in with one bulk statement; the SLA trend's rollup follows it exactly.
    const rollup = await storedRollup();
    expect(rollup.reduce((n, r) => n + r.read, 0)).toBe(planned.length);
    expect(rollup).toEqual(await recomputedRollup());
    expect(await storedArrivals()).toEqual(await recomputedArrivals());
  });

  it("fills the chair's figures and the what-if prefill, and leaves every reader's list empty", async () => {
    const sourceId = await makeOfflineSource();
    const planned = planDemoHistory(SEED, now);
    await loadDemoHistory(testDb(), sourceId, { now, seed: SEED });

    const day = await throughputSummary(testDb(), now, 24);
    const since = new Date(now.getTime() - 24 * 3600_000);
    const readToday = planned.filter((s) => s.readAt >= since);
    expect(day.read).toBe(readToday.length);
    expect(day.read).toBeGreaterThan(200);
    expect(day.readWithDueTime).toBe(day.read);
    expect(day.readByDueTime).toBe(readToday.filter((s) => s.readAt <= s.dueAt).length);
    expect(day.medianTurnaroundMinutes).not.toBeNull();

    // The accuracy table: each flagged result the readers answered, counted from the plan itself.
    const accuracy = await aiAccuracy(testDb(), from(new Date(now.getTime() - 30 * 24 * 3600_000)));
    expect(accuracy.map((m) => m.modelId).sort()).toEqual(["ich-headct", "ptx-cxr"]);
    for (const m of accuracy) {
      const mine = planned.filter((s) => s.ai?.modelId === m.modelId);
      expect(m.scored).toBe(mine.length);
      expect(m.flagged).toBe(mine.filter((s) => s.ai!.flagged).length);
      const tp = mine.filter((s) => s.ai!.flagged && s.feedback === "confirmed").length;
      const fp = mine.filter((s) => s.ai!.flagged && s.feedback === "dismissed").length;
      expect(m.truePositive).toBe(tp);
      expect(m.falsePositive).toBe(fp);
      // Readers answer about 60% of results: the rest are counted as without feedback, and flags were read.
      expect(m.withoutFeedback).toBe(mine.filter((s) => !s.feedback).length);
      expect(m.dismissedFlags).toBe(fp);
      expect(m.flagToReadP50).toBeGreaterThan(0);
      // Some flags are false, as at a real site: PPV well below 1; sensitivity and specificity near the
      // operating point the history was drawn at (0.9 and 0.93), since readers answer flags and negatives alike.
      expect(m.ppv!).toBeLessThan(0.8);
      expect(m.ppv!).toBeGreaterThan(0.05);
      expect(m.specificity!).toBeGreaterThan(0.88);
      expect(m.specificity!).toBeLessThan(0.97);
    }

    const prefill = await prefillScenario(testDb(), now);
    expect(prefill.basis.join(" ")).not.toMatch(/too few/);
    expect(prefill.scenario.classes.length).toBeGreaterThan(5);
    const byName = new Map(prefill.scenario.classes.map((c) => [c.name, c]));
    // Head CTs and chest radiographs are screened; outpatient MRs are not (lib/synthetic/demo-history.ts).
    expect(byName.get("CT, STAT, ed")).toMatchObject({ screened: true });
    expect(byName.get("DX, ROUTINE, inpatient")).toMatchObject({ screened: true });
    expect(byName.get("MR, ROUTINE, outpatient")).toMatchObject({ screened: false });
    // Inpatient chest radiographs: 2% with a pneumothorax by design; the estimate from flags, not the flag rate (~9%).
    expect(byName.get("DX, ROUTINE, inpatient")!.criticalPrevalence).toBeLessThan(0.05);

    const reader = await makeUser(["radiologist"]);
    expect((await countWorklist(testDb(), reader.id, NO_FILTERS, now)).total).toBe(0);
  }, 60_000);
});

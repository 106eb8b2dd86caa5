// The what-if simulator's reported figures (lib/sim/simulate.ts), each recomputed here from its
// definition: the scenario block by hand from the hourly figures, and a run's waits, unread count,
// per-reader totals and utilisation from the run's own trace (simulateTrace replays the same run),
// so a figure that sums the wrong studies, the wrong minutes or the wrong reader shows.
import { describe, expect, it } from "vitest";
import { formatMinutes } from "@/lib/priority/engine";
import { simulate, simulateTrace } from "@/lib/sim/simulate";
import type { ScenarioInput } from "@/lib/sim/scenario";

const DAY = 24 * 60;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe("the simulator's figures", () => {
  it("offered load: mean readers on duty and offered utilisation from the hourly figures", () => {
    // 1 reader for 8 hours, 3 for 16: 56 / 24 readers on average. Class A: 4 an hour for 12
    // hours (2 an hour on average) × 15 min; class B: 1 an hour × 30 min. 60 minutes of reading
    // offered an hour, to 56/24 readers: 60 / (60 × 56/24) = 24/56.
    const r = simulate({
      seed: 5,
      days: 2,
      readers: Array.from({ length: 24 }, (_, h) => (h < 8 ? 1 : 3)),
      disciplines: ["fifo"],
      ai: { sensitivity: 1, specificity: 1 },
      classes: [
        {
          name: "A",
          arrivalsPerHour: Array.from({ length: 24 }, (_, h) => (h < 12 ? 4 : 0)),
          readMinutes: { mean: 15 },
        },
        { name: "B", arrivalsPerHour: 1, readMinutes: { mean: 30 } },
      ],
    });
    expect(r.scenario.days).toBe(2);
    expect(r.scenario.readersMeanOnDuty).toBeCloseTo(56 / 24, 12);
    expect(r.scenario.offeredUtilisation).toBeCloseTo(24 / 56, 12);
  });

  const run: ScenarioInput = {
    seed: 11,
    days: 4,
    warmupDays: 1,
    readers: Array.from({ length: 24 }, (_, h) => (h < 8 ? 1 : 2)),
    disciplines: ["readnext"],
    ai: { sensitivity: 0.8, specificity: 0.85 },
    classes: [
      {
        name: "CT head",
        modality: "CT",
        bodyPart: "HEAD",
        arrivalsPerHour: 2.5,
        criticalPrevalence: 0.1,
        readMinutes: { mean: 12, distribution: "fixed" },
      },
      {
        name: "XR chest",
        modality: "CR",
        bodyPart: "CHEST",
        workRvu: 0.3,
        arrivalsPerHour: 2,
        criticalPrevalence: 0.05,
        readMinutes: { mean: 6, distribution: "lognormal", cv: 0.4 },
      },
    ],
  };

  it("waits, unread studies, per-reader totals and utilisation are the trace's", () => {
    const trace = simulateTrace(run, "readnext");
    const reported = simulate(run).results[0]!;
    const end = 4 * DAY;
    const counted = trace.filter((s) => s.arrivedAt >= DAY && s.arrivedAt < end);
    const read = counted.filter((s) => s.startedAt !== null);
    const waits = (pick: (s: (typeof trace)[number]) => boolean) =>
      read.filter(pick).map((s) => s.startedAt! - s.arrivedAt);
    // Enough of each kind to mean something (the run is fixed by its seed).
    expect(waits((s) => s.critical).length).toBeGreaterThan(5);
    expect(waits((s) => s.flagged && !s.critical).length).toBeGreaterThan(5);

    expect(reported.criticalPositive.n).toBe(waits((s) => s.critical).length);
    expect(reported.criticalPositive.mean).toBeCloseTo(mean(waits((s) => s.critical)), 9);
    expect(reported.others.mean).toBeCloseTo(mean(waits((s) => !s.critical)), 9);
    expect(reported.unflagged.n).toBe(waits((s) => !s.flagged).length);
    expect(reported.unflagged.max).toBeCloseTo(Math.max(...waits((s) => !s.flagged)), 9);
    expect(reported.trueNegatives.n).toBe(waits((s) => !s.flagged && !s.critical).length);
    expect(reported.trueNegatives.mean).toBeCloseTo(mean(waits((s) => !s.flagged && !s.critical)), 9);
    expect(reported.byClass.map((c) => c.name)).toEqual(["CT head", "XR chest"]);
    expect(reported.byClass[1]!.others.mean).toBeCloseTo(mean(waits((s) => s.classIndex === 1 && !s.critical)), 9);
    expect(reported.byClass[0]!.criticalPositive.n).toBe(waits((s) => s.classIndex === 0 && s.critical).length);
    // Reads go on after the last arrival until the list is empty: nothing counted is left unread.
    expect(reported.unread).toBe(counted.length - read.length);
    expect(reported.unread).toBe(0);

    // Who read what: CT HEAD is 0.85 RVU in the starter table, the chest radiograph says 0.3.
    const rvu = [0.85, 0.3];
    expect(reported.readers.map((r) => r.name)).toEqual(["Reader 1", "Reader 2"]);
    for (const r of [0, 1]) {
      const mine = read.filter((s) => s.finishedBy === r);
      expect(reported.readers[r]!.studies).toBe(mine.length);
      expect(reported.readers[r]!.rvu).toBeCloseTo(
        mine.reduce((s, x) => s + rvu[x.classIndex]!, 0),
        9,
      );
    }
    // Utilisation: minutes read before the end (warm-up included) over reader-minutes on duty
    // (1 reader 8 hours a day, 2 for 16: 40 reader-hours a day).
    const busy = trace
      .filter((s) => s.startedAt !== null && s.startedAt < end)
      .reduce((sum, s) => sum + Math.min(s.readMinutes, end - s.startedAt!), 0);
    expect(reported.utilisation).toBeCloseTo(busy / (4 * 40 * 60), 9);
  });

  it("compares the disciplines and says so in words", () => {
    const r = simulate({ ...run, disciplines: ["fifo", "priority", "readnext", "readnext-nocap"] });
    const [fifo, noAi, rn, nocap] = r.results;
    expect(r.results.map((x) => x.label)).toEqual([
      "First in, first out",
      "Order priority, no AI",
      "ReadNext (AI + due times + cap)",
      "ReadNext without the wait cap",
    ]);
    expect(r.comparison.criticalMeanWaitReductionVsFifo).toBeCloseTo(
      1 - rn!.criticalPositive.mean / fifo!.criticalPositive.mean,
      12,
    );
    expect(r.comparison.othersMaxWaitChangeVsFifoMinutes).toBeCloseTo(rn!.others.max - fifo!.others.max, 12);
    expect(r.comparison.falsePositiveExtraWaitMinutes).toBeCloseTo(
      rn!.trueNegatives.mean - noAi!.trueNegatives.mean,
      12,
    );
    expect(r.comparison.capLimitsStarvationMinutes).toBeCloseTo(nocap!.unflagged.max - rn!.unflagged.max, 12);
    const fp = r.comparison.falsePositiveExtraWaitMinutes!;
    expect(r.summary.slice(0, 3)).toEqual([
      `Studies with a critical finding would wait ${formatMinutes(rn!.criticalPositive.mean)} on average with ReadNext instead of ${formatMinutes(fifo!.criticalPositive.mean)} first-in-first-out (${Math.round((1 - rn!.criticalPositive.mean / fifo!.criticalPositive.mean) * 100)}% less).`,
      `The longest wait of any other study would be ${formatMinutes(rn!.others.max)} instead of ${formatMinutes(fifo!.others.max)}.`,
      `False alarms cost studies without a finding ${formatMinutes(Math.max(0, fp))} of extra wait on average${fp < 0 ? " (none, in fact)" : ""}, compared with ordering by priority alone.`,
    ]);
    const cap = r.comparison.capLimitsStarvationMinutes!;
    expect(r.summary.length).toBe(cap > 0 ? 4 : 3);
    if (cap > 0)
      expect(r.summary[3]).toBe(
        `The maximum-wait cap shortens the longest wait of unflagged studies by ${formatMinutes(cap)}.`,
      );
    expect(r.byReader).toBeNull();

    // Only ReadNext: nothing to compare it with.
    const alone = simulate(run);
    expect(alone.comparison).toEqual({
      criticalMeanWaitReductionVsFifo: null,
      othersMaxWaitChangeVsFifoMinutes: null,
      falsePositiveExtraWaitMinutes: null,
      capLimitsStarvationMinutes: null,
    });
    expect(alone.summary).toEqual([]);
  });

  it("with named readers, says how evenly their work came out, pulled or pushed", () => {
    const named = (assignment: "pull" | "push") =>
      simulate({
        ...run,
        routing: {
          groups: [{ key: "general", label: "General" }],
          assignment,
          readers: [
            { name: "Ada", groups: ["general"] },
            { name: "Ben", groups: ["general"], hours: Array.from({ length: 12 }, (_, h) => 8 + h) },
          ],
        },
      });
    for (const [assignment, words] of [
      ["pull", "Pulling from the list"],
      ["push", "With push assignment"],
    ] as const) {
      const r = named(assignment);
      expect(r.byReader).toBe(assignment);
      const readers = r.results[0]!.readers;
      expect(readers.map((x) => x.name)).toEqual(["Ada", "Ben"]);
      // Ada is on all day, Ben 12 hours: Ada reads more.
      expect(readers[0]!.rvu).toBeGreaterThan(readers[1]!.rvu);
      expect(r.summary.at(-1)).toBe(
        `${words}, readers' work ranged from ${readers[1]!.rvu.toFixed(1)} to ${readers[0]!.rvu.toFixed(1)} RVUs (differences in hours on duty included).`,
      );
      // 24 + 12 reader-hours a day.
      expect(r.scenario.readersMeanOnDuty).toBeCloseTo(36 / 24, 12);
    }
  });
});

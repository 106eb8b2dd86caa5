import { describe, expect, it } from "vitest";
import { simulate, simulateTrace } from "@/lib/sim/simulate";
import { DEFAULT_SCENARIO } from "@/lib/sim/default-scenario";
import { scenarioSchema } from "@/lib/sim/scenario";
import { DEFAULT_PRIORITY_CONFIG } from "@/lib/priority/sla";
import { erlangCWaitingTime, quantile, summarise } from "@/lib/stats";

describe("statistics", () => {
  it("Erlang C reduces to M/M/1 for one server", () => {
    // M/M/1: Wq = rho / (mu - lambda)
    expect(erlangCWaitingTime(0.5, 1, 1)).toBeCloseTo(0.5 / (1 - 0.5), 10);
    expect(erlangCWaitingTime(1, 1, 1)).toBe(Infinity);
  });
  it("Erlang C matches a textbook value (c = 2, a = 1: P(wait) = 1/3, Wq = 1/3 / (2 - 1))", () => {
    expect(erlangCWaitingTime(1, 1, 2)).toBeCloseTo(1 / 3, 10);
  });
  it("summarises", () => {
    expect(summarise([3, 1, 2, 4])).toEqual({ n: 4, mean: 2.5, p95: quantile([1, 2, 3, 4], 0.95), max: 4 });
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
});

describe("the what-if simulator", () => {
  it("matches Erlang C (M/M/c, FIFO) within 5% on long runs", () => {
    const lambdaPerHour = 0.85 * 3 * 6; // 85% load on 3 readers reading 10 min on average
    const expected = erlangCWaitingTime(lambdaPerHour / 60, 1 / 10, 3);
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const mean =
      seeds.reduce(
        (sum, seed) =>
          sum +
          simulate({
            seed,
            days: 365,
            warmupDays: 5,
            readers: 3,
            disciplines: ["fifo"],
            ai: { sensitivity: 1, specificity: 1 },
            classes: [
              { name: "all", arrivalsPerHour: lambdaPerHour, readMinutes: { mean: 10, distribution: "exponential" } },
            ],
          }).results[0]!.others.mean,
        0,
      ) / seeds.length;
    expect(Math.abs(mean / expected - 1)).toBeLessThan(0.05);
  }, 60_000);

  it("reproduces Baltruschat et al.: AI priority cuts positives' waits, raises negatives' maximum, and the cap limits that", () => {
    const r = simulate({
      seed: 3,
      days: 60,
      warmupDays: 2,
      readers: 2,
      ai: { sensitivity: 0.9, specificity: 0.9 },
      priority: { maxWaitMinutes: 120 },
      classes: [
        {
          name: "Chest X-ray",
          modality: "DX",
          orderPriority: "ROUTINE",
          patientLocation: "INPATIENT",
          arrivalsPerHour: 0.95 * 2 * 12,
          criticalPrevalence: 0.03,
          readMinutes: { mean: 5, distribution: "exponential" },
        },
      ],
    });
    const [fifo, , readnext, nocap] = r.results;
    expect(readnext!.criticalPositive.mean).toBeLessThan(fifo!.criticalPositive.mean * 0.5);
    expect(nocap!.criticalPositive.mean).toBeLessThan(fifo!.criticalPositive.mean * 0.5);
    expect(nocap!.unflagged.max).toBeGreaterThan(fifo!.unflagged.max);
    expect(readnext!.unflagged.max).toBeLessThan(nocap!.unflagged.max);
    expect(r.comparison.falsePositiveExtraWaitMinutes).toBeGreaterThan(0);
  });

  it("is deterministic for a seed, and every study is read", () => {
    const a = simulate({ ...DEFAULT_SCENARIO, days: 3 });
    const b = simulate({ ...DEFAULT_SCENARIO, days: 3 });
    expect(a).toEqual(b);
    expect(simulate({ ...DEFAULT_SCENARIO, days: 3, seed: 99 }).scenario.arrivals).not.toBe(a.scenario.arrivals);
    for (const d of a.results) expect(d.unread).toBe(0);
  });

  it("follows readers' shifts and hour-of-day arrival rates", () => {
    const dayOnly = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 2 : 0));
    const r = simulate({
      seed: 1,
      days: 5,
      readers: dayOnly,
      disciplines: ["fifo"],
      ai: { sensitivity: 1, specificity: 1 },
      classes: [
        {
          name: "night arrivals",
          arrivalsPerHour: Array.from({ length: 24 }, (_, h) => (h < 6 ? 3 : 0)),
          readMinutes: { mean: 5, distribution: "fixed" },
        },
      ],
    });
    // Everything arrives between 00:00 and 06:00 and waits for the 08:00 shift.
    expect(r.results[0]!.others.mean).toBeGreaterThan(120);
    expect(r.results[0]!.unread).toBe(0);
  });

  it("models readers who pick cases off the top: critical waits grow", () => {
    const base = { ...DEFAULT_SCENARIO, days: 10, disciplines: ["readnext" as const] };
    const disciplined = simulate(base).results[0]!;
    const cherryPicking = simulate({ ...base, claims: { offTopProbability: 0.5, fromTop: 10 } }).results[0]!;
    expect(cherryPicking.criticalPositive.mean).toBeGreaterThan(disciplined.criticalPositive.mean);
  });

  it("summarises the comparison in plain words", () => {
    const r = simulate({ ...DEFAULT_SCENARIO, days: 5 });
    expect(r.summary[0]).toMatch(
      /^Studies with a critical finding would wait .* on average with ReadNext instead of .* first-in-first-out \(\d+% less\)\.$/,
    );
  });

  it("orders by the scenario's SLA table: swapping two classes' targets swaps which of them waits", () => {
    const run = (sla?: typeof DEFAULT_PRIORITY_CONFIG.sla) =>
      simulate({
        seed: 5,
        days: 30,
        warmupDays: 1,
        readers: 2,
        disciplines: ["readnext"],
        ai: { sensitivity: 1, specificity: 1 },
        priority: { maxWaitMinutes: null, ...(sla ? { sla } : {}) },
        classes: (["INPATIENT", "OUTPATIENT"] as const).map((location) => ({
          name: location,
          orderPriority: "ROUTINE" as const,
          patientLocation: location,
          arrivalsPerHour: 0.45 * 2 * 6,
          readMinutes: { mean: 10, distribution: "exponential" as const },
        })),
      }).results[0]!.byClass.map((c) => c.others.mean);
    // The default table: routine inpatients are due in 4 h, outpatients in 24 h.
    const [inpatient, outpatient] = run();
    expect(inpatient!).toBeLessThan(outpatient!);
    const swapped = run({
      ...DEFAULT_PRIORITY_CONFIG.sla,
      ROUTINE: { ...DEFAULT_PRIORITY_CONFIG.sla.ROUTINE, INPATIENT: 1440, OUTPATIENT: 240 },
    });
    expect(swapped[0]!).toBeGreaterThan(swapped[1]!);
  });

  // Two classes on one reader, exponential reads (mean 1/mu = 10 min): flagged studies (lambda1 =
  // 0.02/min, rho1 = 0.2) before the others (lambda2 = 0.05/min, rho2 = 0.5). Textbook results
  // (Kleinrock, Queueing Systems vol. 2, §3.6; Harchol-Balter, Performance Modeling, ch. 31–32),
  // with R = sum(lambda_i E[S^2]) / 2 = (lambda1 + lambda2) / mu^2 = 7 min:
  //   non-preemptive: Wq1 = R / (1 - rho1) = 8.75 min; Wq2 = R / ((1 - rho1)(1 - rho)) = 29.17 min;
  //   preemptive-resume: class 1 sees only itself, Wq1 = lambda1 / (mu (mu - lambda1)) = 2.5 min;
  //   class 2's time in system T2 = (1/mu) / (1 - rho1) + R / ((1 - rho1)(1 - rho)) = 41.67 min,
  //   so it waits (is not being read) T2 - 1/mu = 31.67 min.
  const twoClassRun = (interruptions: "none" | "critical") => {
    const seeds = [1, 2, 3, 4, 5, 6];
    const sums = seeds.reduce(
      (acc, seed) => {
        const r = simulate({
          seed,
          days: 365,
          warmupDays: 5,
          readers: 1,
          disciplines: ["readnext-nocap"],
          interruptions,
          ai: { sensitivity: 1, specificity: 1 },
          priority: { maxWaitMinutes: null },
          classes: [
            { name: "flagged", arrivalsPerHour: 1.2, criticalPrevalence: 1, readMinutes: { mean: 10 } },
            { name: "others", arrivalsPerHour: 3, criticalPrevalence: 0, readMinutes: { mean: 10 } },
          ],
        }).results[0]!;
        return [acc[0]! + r.criticalPositive.mean, acc[1]! + r.others.mean];
      },
      [0, 0],
    );
    return sums.map((x) => x / seeds.length) as [number, number];
  };

  it("without interruptions matches the non-preemptive priority queue (M/M/1, two classes) within 5%", () => {
    const [flagged, others] = twoClassRun("none");
    expect(Math.abs(flagged / 8.75 - 1)).toBeLessThan(0.05);
    expect(Math.abs(others / (7 / (0.8 * 0.3)) - 1)).toBeLessThan(0.05);
  }, 60_000);

  it("with interruptions matches the preemptive-resume priority queue (M/M/1, two classes) within 5%", () => {
    const [flagged, others] = twoClassRun("critical");
    expect(Math.abs(flagged / 2.5 - 1)).toBeLessThan(0.05);
    expect(Math.abs(others / (12.5 + 7 / (0.8 * 0.3) - 10) - 1)).toBeLessThan(0.05);
  }, 60_000);

  it("interrupts only for flagged studies, only when every reader is busy, and every interrupted read ends", () => {
    const base = { ...DEFAULT_SCENARIO, days: 10, disciplines: ["readnext" as const, "fifo" as const] };
    const plain = simulate(base).results;
    const preempt = simulate({ ...base, interruptions: "critical" }).results;
    expect(preempt[0]!.criticalPositive.mean).toBeLessThan(plain[0]!.criticalPositive.mean);
    expect(preempt[0]!.unread).toBe(0);
    // FIFO ignores the AI, so nothing interrupts there.
    expect(preempt[1]).toEqual(plain[1]);
  });

  describe("with reading groups", () => {
    const groups = [
      { key: "neuro", label: "Neuro" },
      { key: "general", label: "General" },
    ];
    const classes = [
      { name: "head CT", group: "neuro", arrivalsPerHour: 2, readMinutes: { mean: 10 } },
      { name: "chest XR", group: "general", arrivalsPerHour: 3, readMinutes: { mean: 6 } },
    ];

    it("two groups with a reader each and nothing overflowing are two M/M/1 queues (Erlang C, c = 1) within 5%", () => {
      const seeds = [1, 2, 3, 4];
      const means = seeds
        .map((seed) =>
          simulate({
            seed,
            days: 365,
            warmupDays: 5,
            readers: 99, // ignored: the routing names the readers
            disciplines: ["fifo"],
            ai: { sensitivity: 1, specificity: 1 },
            routing: {
              groups,
              overflowGroup: "general",
              readers: [
                { name: "N", groups: ["neuro"] },
                { name: "G", groups: ["general"] },
              ],
            },
            classes,
          }).results[0]!.byClass.map((c) => c.others.mean),
        )
        .reduce((a, b) => [a[0]! + b[0]! / seeds.length, a[1]! + b[1]! / seeds.length], [0, 0]);
      // M/M/1: Wq = rho / (mu - lambda), per minute: neuro 2/60 arrivals, mu 1/10; general 3/60, mu 1/6.
      expect(Math.abs(means[0]! / erlangCWaitingTime(2 / 60, 1 / 10, 1) - 1)).toBeLessThan(0.05);
      expect(Math.abs(means[1]! / erlangCWaitingTime(3 / 60, 1 / 6, 1) - 1)).toBeLessThan(0.05);
    }, 60_000);

    const nightScenario = (
      readers: { name: string; groups: string[]; hours?: number[] }[],
      overflowMinutes?: number,
    ) => ({
      seed: 7,
      days: 20,
      readers: 1,
      disciplines: ["readnext" as const],
      ai: { sensitivity: 0.9, specificity: 0.9 },
      routing: {
        groups: [{ key: "neuro", label: "Neuro", overflowMinutes: overflowMinutes ?? null }, groups[1]!],
        overflowGroup: "general",
        readers,
      },
      classes: classes.map((c) => ({ ...c, arrivalsPerHour: c.arrivalsPerHour / 2 })),
    });
    const dayNeuro = { name: "day neuro", groups: ["neuro"], hours: Array.from({ length: 10 }, (_, i) => 8 + i) };
    const generalist = { name: "generalist", groups: ["general"] };

    it("a reader reads only their group's studies, plus overflow: a group nobody on duty covers goes to the overflow group", () => {
      const trace = simulateTrace(nightScenario([dayNeuro, generalist]), "readnext");
      expect(trace.every((s) => s.startedAt !== null)).toBe(true);
      // The neuro reader never reads a chest radiograph.
      expect(trace.filter((s) => s.reader === 0).every((s) => s.classIndex === 0)).toBe(true);
      // The generalist reads head CTs only while no neuro reader is on duty (08:00–18:00).
      const byGeneralist = trace.filter((s) => s.reader === 1 && s.classIndex === 0);
      expect(byGeneralist.length).toBeGreaterThan(0);
      for (const s of byGeneralist) {
        const hour = Math.floor((s.startedAt! / 60) % 24);
        expect(hour < 8 || hour >= 18).toBe(true);
      }
    });

    it("a group's overflow time lets the overflow group read a study that waited that long, even while the group is covered", () => {
      const trace = simulateTrace(nightScenario([{ ...dayNeuro, hours: undefined }, generalist], 30), "readnext");
      const byGeneralist = trace.filter((s) => s.reader === 1 && s.classIndex === 0);
      expect(byGeneralist.length).toBeGreaterThan(0);
      for (const s of byGeneralist) expect(s.startedAt! - s.arrivedAt).toBeGreaterThanOrEqual(30);
      // An idle generalist takes it the minute it overflows, not at the next arrival or hour.
      expect(byGeneralist.some((s) => s.startedAt! - s.arrivedAt < 30.001)).toBe(true);
    });

    it("answers “what if we add a night neuro reader?”: head CTs wait less, and the generalist's radiographs too", () => {
      const nightNeuro = {
        name: "night neuro",
        groups: ["neuro"],
        hours: [...Array.from({ length: 8 }, (_, i) => i), 18, 19, 20, 21, 22, 23],
      };
      const before = simulate(nightScenario([dayNeuro, generalist])).results[0]!.byClass;
      const after = simulate(nightScenario([dayNeuro, generalist, nightNeuro])).results[0]!.byClass;
      expect(after[0]!.others.mean).toBeLessThan(before[0]!.others.mean);
      expect(after[1]!.others.mean).toBeLessThan(before[1]!.others.mean);
    });

    describe("push assignment", () => {
      const oneGroup = [{ key: "general", label: "General" }];
      const everyone = (n: number, extra: { hours?: number[] } = {}) =>
        Array.from({ length: n }, (_, i) => ({ name: `R${i + 1}`, groups: ["general"], ...extra }));

      it("with equal RVUs deals studies round-robin: each reader is an E2/M/1 queue (GI/M/1 formula) within 5%, and waits longer than pulling from one list (Erlang C)", () => {
        // Two readers, Poisson arrivals at lambda per minute, exponential reads at mu. Least work
        // this shift with equal RVUs hands out studies in turn, so each reader's arrivals are
        // Erlang-2 with rate lambda: GI/M/1, Wq = sigma / (mu (1 - sigma)), where sigma solves
        // sigma = A*(mu (1 - sigma)) and A*(s) = (lambda / (lambda + s))^2 (Kleinrock, vol. 1, 6.4).
        const lambda = 1 / 7.5;
        const mu = 1 / 10;
        let lo = 0;
        let hi = 1 - 1e-12;
        for (let i = 0; i < 200; i++) {
          const sigma = (lo + hi) / 2;
          if ((lambda / (lambda + mu * (1 - sigma))) ** 2 > sigma) lo = sigma;
          else hi = sigma;
        }
        const sigma = (lo + hi) / 2;
        const e2m1 = sigma / (mu * (1 - sigma));
        const run = (assignment: "pull" | "push") => {
          const seeds = [1, 2, 3, 4];
          return (
            seeds
              .map(
                (seed) =>
                  simulate({
                    seed,
                    days: 365,
                    warmupDays: 5,
                    readers: 99,
                    disciplines: ["fifo"],
                    ai: { sensitivity: 1, specificity: 1 },
                    routing: { groups: oneGroup, overflowGroup: "general", assignment, readers: everyone(2) },
                    classes: [{ name: "CT", arrivalsPerHour: lambda * 60, workRvu: 1, readMinutes: { mean: 10 } }],
                  }).results[0]!.others.mean,
              )
              .reduce((a, b) => a + b, 0) / seeds.length
          );
        };
        const push = run("push");
        expect(Math.abs(push / e2m1 - 1)).toBeLessThan(0.05);
        const pull = run("pull");
        expect(Math.abs(pull / erlangCWaitingTime(lambda, mu, 2) - 1)).toBeLessThan(0.05);
        expect(push).toBeGreaterThan(pull * 1.3);
      }, 120_000);

      it("1,000 arrivals over a 12-hour shift of 20 readers leave their RVU totals within 10% of each other", () => {
        const scenario = {
          seed: 3,
          days: 0.5,
          readers: 99,
          disciplines: ["readnext" as const],
          ai: { sensitivity: 0.9, specificity: 0.95 },
          classes: [
            {
              name: "CT head",
              bodyPart: "HEAD",
              arrivalsPerHour: 30,
              criticalPrevalence: 0.05,
              readMinutes: { mean: 8, distribution: "lognormal" as const },
            },
            {
              name: "CT abdomen",
              bodyPart: "ABDOMEN",
              arrivalsPerHour: 15,
              readMinutes: { mean: 15, distribution: "lognormal" as const },
            },
            {
              name: "Chest XR",
              modality: "DX",
              bodyPart: "CHEST",
              arrivalsPerHour: 38,
              screened: false,
              readMinutes: { mean: 3, distribution: "lognormal" as const },
            },
          ],
        };
        const rvuSpread = (assignment: "pull" | "push") => {
          const r = simulate({
            ...scenario,
            routing: { groups: oneGroup, overflowGroup: "general", assignment, readers: everyone(20) },
          }).results[0]!;
          const rvus = r.readers.map((x) => x.rvu);
          return {
            arrivals: r.readers.reduce((n, x) => n + x.studies, 0),
            unread: r.unread,
            spread: Math.max(...rvus) / Math.min(...rvus) - 1,
          };
        };
        const push = rvuSpread("push");
        expect(push.arrivals).toBeGreaterThan(900);
        expect(push.arrivals).toBeLessThan(1100);
        expect(push.unread).toBe(0);
        // RVUs from the starter table: CT head 0.85, CT abdomen 1.82, chest radiograph 0.22.
        expect(push.spread).toBeLessThan(0.1);
        // Pulling from one list balances nothing: whoever is free takes the next case.
        expect(rvuSpread("pull").spread).toBeGreaterThan(0.1);
      });

      it("hands back what a reader going off duty still holds: nothing waits for their next shift", () => {
        const day = Array.from({ length: 12 }, (_, h) => h);
        const night = Array.from({ length: 12 }, (_, h) => h + 12);
        const r = simulate({
          seed: 5,
          days: 10,
          readers: 99,
          disciplines: ["readnext"],
          ai: { sensitivity: 0.9, specificity: 0.9 },
          routing: {
            groups: oneGroup,
            overflowGroup: "general",
            assignment: "push",
            readers: [...everyone(2, { hours: day }), ...everyone(2, { hours: night })],
          },
          classes: [{ name: "CT", arrivalsPerHour: 8, readMinutes: { mean: 10 } }],
        }).results[0]!;
        expect(r.unread).toBe(0);
        // Held over a 12-hour off-duty stretch, a study would wait hours; handed back, minutes.
        expect(r.others.max).toBeLessThan(120);
      });

      it("with interruptions: a flagged study goes to a reader now reading something less urgent, whose interrupted case stays theirs and resumes", () => {
        const trace = simulateTrace(
          {
            seed: 11,
            days: 20,
            readers: 99,
            ai: { sensitivity: 1, specificity: 0.9 },
            interruptions: "critical",
            routing: { groups: oneGroup, overflowGroup: "general", assignment: "push", readers: everyone(3) },
            classes: [{ name: "CT", arrivalsPerHour: 15, criticalPrevalence: 0.1, readMinutes: { mean: 10 } }],
          },
          "readnext",
        );
        const interrupted = trace.filter((s) => s.interrupted);
        expect(interrupted.length).toBeGreaterThan(20);
        for (const s of interrupted) {
          expect(s.flagged).toBe(false);
          expect(s.finishedBy).toBe(s.reader);
        }
        expect(trace.every((s) => s.finishedBy !== null)).toBe(true);
      });
    });

    it("refuses a class or reader naming a group that does not exist", () => {
      const bad = scenarioSchema.safeParse({
        ...nightScenario([{ name: "x", groups: ["msk"] }]),
        classes: [{ ...classes[0]!, group: "paeds" }],
      });
      expect(bad.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
        ["classes.0.group", '"paeds" is not one of the reading groups'],
        ["routing.readers.0.groups", '"msk" is not one of the reading groups'],
      ]);
      expect(() => simulate({ ...DEFAULT_SCENARIO, classes: [{ ...classes[0]! }] })).toThrow(/no reading groups/);
    });
  });

  it("stops a run the readers cannot keep up with, and says so", () => {
    const r = simulate({
      seed: 1,
      days: 60,
      readers: 1,
      disciplines: ["fifo"],
      ai: { sensitivity: 1, specificity: 1 },
      classes: [{ name: "too many", arrivalsPerHour: 12, readMinutes: { mean: 10 } }], // twice one reader's pace
    });
    // 288 arrivals a day, one reader reading 144: more than 500 waiting (a day's arrivals is fewer) by about day 4.
    expect(r.results[0]!.overloadedAt).toBeGreaterThan(2 * 1440);
    expect(r.results[0]!.overloadedAt).toBeLessThan(6 * 1440);
    expect(r.summary).toEqual([
      expect.stringMatching(/^These readers cannot keep up: on day [3-6] more than a day's arrivals were waiting/),
    ]);
    expect(simulate({ ...DEFAULT_SCENARIO, days: 3 }).results.every((x) => x.overloadedAt === null)).toBe(true);
  });

  it("refuses a malformed scenario with the field named", () => {
    expect(() => simulate({ ...DEFAULT_SCENARIO, readers: -1 })).toThrow(/readers/);
  });
});

describe("ROC AUC", () => {
  it("is 1 for perfect separation, 0.5 for ties, and counts ties half", async () => {
    const { rocAuc } = await import("@/lib/stats");
    expect(rocAuc([0.9, 0.8, 0.1, 0.2], [true, true, false, false])).toBe(1);
    expect(rocAuc([0.5, 0.5], [true, false])).toBe(0.5);
    expect(rocAuc([0.1, 0.9], [true, false])).toBe(0);
    expect(rocAuc([0.3], [true])).toBeNaN();
  });
});

describe("the simulator's trace and weekday pattern", () => {
  const scenario = {
    seed: 3,
    days: 14,
    readers: 2,
    classes: [{ name: "CT", arrivalsPerHour: 6, readMinutes: { mean: 8 }, criticalPrevalence: 0.05 }],
    ai: { sensitivity: 0.9, specificity: 0.9 },
    disciplines: ["readnext" as const],
  };

  it("traces the same run simulate() reports: the same waits, one reader at a time per study", () => {
    const trace = simulateTrace(scenario);
    const reported = simulate(scenario).results[0]!;
    const waits = trace.filter((s) => !s.critical && s.startedAt !== null).map((s) => s.startedAt! - s.arrivedAt);
    expect(summarise(waits)).toEqual(reported.others);
    // No reader starts a read before finishing the previous one.
    for (const r of [0, 1]) {
      const mine = trace.filter((s) => s.reader === r).sort((a, b) => a.startedAt! - b.startedAt!);
      for (let i = 1; i < mine.length; i++)
        expect(mine[i]!.startedAt!).toBeGreaterThanOrEqual(mine[i - 1]!.startedAt! + mine[i - 1]!.readMinutes - 1e-9);
    }
  });

  it("scales arrivals by day of week from the start weekday", () => {
    // Day 0 is a Monday; Saturdays and Sundays get a third of the rate.
    const trace = simulateTrace({ ...scenario, startWeekday: 1, weekdayFactors: [1 / 3, 1, 1, 1, 1, 1, 1 / 3] });
    const onWeekend = (m: number) => [5, 6].includes(Math.floor(m / 1440) % 7);
    const weekend = trace.filter((s) => onWeekend(s.arrivedAt)).length / 4; // 4 weekend days in 14
    const weekday = trace.filter((s) => !onWeekend(s.arrivedAt)).length / 10;
    expect(weekday).toBeGreaterThan(144 * 0.85);
    expect(weekday).toBeLessThan(144 * 1.15);
    expect(weekend / weekday).toBeGreaterThan(0.25);
    expect(weekend / weekday).toBeLessThan(0.42);
  });
});

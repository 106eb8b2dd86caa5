import { Random } from "../random";
import { computePriorityKey, formatMinutes, type PriorityKey } from "../priority/engine";
import { compareReadingOrder, type OrderedStudy } from "../priority/reading-order";
import { DEFAULT_PRIORITY_CONFIG, type PriorityConfig } from "../priority/sla";
import { summarise, type Summary } from "../stats";
import { DISCIPLINE_LABELS, scenarioSchema, type Discipline, type ScenarioInput } from "./scenario";
import { pushDesk } from "./push-desk";
import { readingTeam } from "./reading-team";

type Arrival = {
  id: string;
  classIndex: number;
  at: number; // minutes from start
  critical: boolean;
  flagged: boolean;
  readMinutes: number;
};

export type DisciplineResult = {
  discipline: Discipline;
  label: string;
  criticalPositive: Summary;
  others: Summary;
  /** Wait of studies the AI did not flag (true and false negatives): what a stream of flags can starve. */
  unflagged: Summary;
  /** Wait of non-critical studies the AI did not flag (true negatives): what false positives delay. */
  trueNegatives: Summary;
  byClass: { name: string; criticalPositive: Summary; others: Summary }[];
  utilisation: number;
  /** What each reader read of the counted studies (who finished each read), and its work RVUs. */
  readers: { name: string; studies: number; rvu: number }[];
  unread: number;
  /** Minutes into the run at which more than a day's arrivals were waiting and the run stopped (readers cannot keep up), or null. */
  overloadedAt: number | null;
};

/** A run stops once this many studies wait at once, or a day's arrivals if more: the readers cannot keep up (and every pick would scan the whole list). */
const MIN_OVERLOAD_QUEUE = 500;

export type SimulationResult = {
  scenario: { days: number; arrivals: number; readersMeanOnDuty: number; offeredUtilisation: number };
  results: DisciplineResult[];
  comparison: {
    criticalMeanWaitReductionVsFifo: number | null;
    othersMaxWaitChangeVsFifoMinutes: number | null;
    falsePositiveExtraWaitMinutes: number | null;
    capLimitsStarvationMinutes: number | null;
  };
  summary: string[];
  /** With named readers (reading groups): whether studies were pulled or pushed, for the per-reader figures. */
  byReader: "pull" | "push" | null;
};

const perHourValue = (v: number | number[], hour: number) => (Array.isArray(v) ? v[hour]! : v);
const hourAt = (minute: number) => Math.floor((minute / 60) % 24);
type ParsedScenario = ReturnType<typeof scenarioSchema.parse>;
const weekdayFactor = (scenario: ParsedScenario, minute: number) =>
  scenario.weekdayFactors?.[(Math.floor(minute / 1440) + scenario.startWeekday) % 7] ?? 1;

function drawReadMinutes(rng: Random, spec: { mean: number; distribution: string; cv: number }): number {
  if (spec.distribution === "fixed") return spec.mean;
  if (spec.distribution === "exponential") return -Math.log(1 - rng.next()) * spec.mean;
  const sigma2 = Math.log(1 + spec.cv ** 2);
  return Math.exp(Math.log(spec.mean) - sigma2 / 2 + Math.sqrt(sigma2) * rng.gaussian());
}

/** Every arrival of the run, drawn once so all disciplines see the same department (common random numbers). */
function drawArrivals(scenario: ParsedScenario): Arrival[] {
  const rng = new Random(scenario.seed);
  const end = scenario.days * 24 * 60;
  const arrivals: Arrival[] = [];
  scenario.classes.forEach((cls, classIndex) => {
    const c = rng.fork(`class-${classIndex}`);
    const rates = Array.isArray(cls.arrivalsPerHour) ? cls.arrivalsPerHour : [cls.arrivalsPerHour];
    const maxPerMinute = (Math.max(...rates) * Math.max(1, ...(scenario.weekdayFactors ?? []))) / 60;
    if (maxPerMinute <= 0) return;
    // Non-homogeneous Poisson arrivals by thinning a process at the peak rate.
    for (let t = -Math.log(1 - c.next()) / maxPerMinute; t < end; t += -Math.log(1 - c.next()) / maxPerMinute) {
      const rate = (perHourValue(cls.arrivalsPerHour, hourAt(t)) * weekdayFactor(scenario, t)) / 60;
      if (c.next() * maxPerMinute > rate) continue;
      const critical = c.chance(cls.criticalPrevalence);
      const flagged =
        cls.screened && (critical ? c.chance(scenario.ai.sensitivity) : c.chance(1 - scenario.ai.specificity));
      arrivals.push({
        id: `${classIndex}-${arrivals.length}`,
        classIndex,
        at: t,
        critical,
        flagged,
        readMinutes: drawReadMinutes(c, cls.readMinutes),
      });
    }
  });
  return arrivals.sort((a, b) => a.at - b.at);
}

const EPOCH = Date.UTC(2026, 0, 1);
const asDate = (minute: number) => new Date(EPOCH + minute * 60_000);

/** When each study's read started and who read it (reader index), for callers that want the run itself. */
type Trace = Map<string, { startedAt: number; reader: number; finishedBy?: number; interrupted?: boolean }>;

function runDiscipline(
  discipline: Discipline,
  arrivals: Arrival[],
  scenario: ParsedScenario,
  config: PriorityConfig,
  trace?: Trace,
) {
  const useAi = discipline === "readnext" || discipline === "readnext-nocap";
  const cfg: PriorityConfig = discipline === "readnext-nocap" ? { ...config, maxWaitMinutes: null } : config;
  // The very same engine as the worklist: a clock-free key per study, compared at the pick time.
  // Each study's key in the reading order's own shape, so a pick compares without copying.
  const keys = new Map<string, PriorityKey & OrderedStudy>();
  if (discipline !== "fifo") {
    for (const a of arrivals) {
      const cls = scenario.classes[a.classIndex]!;
      const key = computePriorityKey(
        {
          id: a.id,
          arrivedAt: asDate(a.at),
          orderPriority: cls.orderPriority,
          patientLocation: cls.patientLocation,
          override: null,
          ai:
            useAi && cls.screened
              ? a.flagged
                ? {
                    status: "critical",
                    finding: "critical finding",
                    probability: 0.9,
                    modelId: "sim",
                    modelVersion: "1",
                    scoredAt: asDate(a.at),
                  }
                : {
                    status: "negative",
                    finding: "critical finding",
                    probability: 0.1,
                    modelId: "sim",
                    modelVersion: "1",
                    scoredAt: asDate(a.at),
                  }
              : null,
        },
        cfg,
      );
      keys.set(a.id, { ...key, firstSeenAt: asDate(a.at), id: a.id });
    }
  }

  const team = readingTeam(scenario);
  const maxReaders = team.size;
  const onDuty = team.onDuty;
  // Earliest time >= t at which this reader is on duty (Infinity if never within a week).
  const nextOnDuty = (reader: number, t: number) => {
    if (onDuty(reader, t)) return t;
    for (let h = Math.floor(t / 60) + 1; h < Math.floor(t / 60) + 24 * 7; h++)
      if (onDuty(reader, h * 60)) return h * 60;
    return Infinity;
  };
  const freeAt = new Array<number>(maxReaders).fill(0);
  // What each reader is reading (for interruptions), and minutes already read of interrupted studies.
  const reading = new Array<{ study: Arrival; since: number } | null>(maxReaders).fill(null);
  const readSoFar = new Map<string, number>();
  const claimRng = new Random(scenario.seed).fork(`claims-${discipline}`);
  const waits = new Map<string, number>();
  let busyMinutes = 0;
  const queue: Arrival[] = [];
  let next = 0;
  const end = scenario.days * 24 * 60;
  const interrupts = useAi && scenario.interruptions === "critical";
  let overloadedAt: number | null = null;
  const maxQueue = Math.max(MIN_OVERLOAD_QUEUE, Math.ceil(arrivals.length / scenario.days));

  // A flagged arrival while every reader on duty is busy: the least urgent unflagged read stops,
  // goes back on the list with what is left of it, and its reader is free for the flagged study.
  const interruptFor = (flagged: Arrival): number => {
    const at = flagged.at;
    const compare = compareReadingOrder(asDate(at));
    let victim = -1;
    for (let r = 0; r < maxReaders; r++) {
      const current = reading[r];
      if (!current || current.study.flagged || freeAt[r]! <= at || !onDuty(r, at)) continue;
      if (!team.mayRead(r, flagged, at, useAi)) continue;
      if (victim < 0 || compare(keys.get(current.study.id)!, keys.get(reading[victim]!.study.id)!) > 0) victim = r;
    }
    if (victim < 0) return -1;
    const { study, since } = reading[victim]!;
    readSoFar.set(study.id, (readSoFar.get(study.id) ?? 0) + (at - since));
    busyMinutes -= Math.max(0, Math.min(freeAt[victim]!, end) - Math.min(at, end));
    queue.push(study);
    // With push, the interrupted case stays theirs and resumes; the flagged study is theirs now.
    desk?.keep(study, victim, at);
    desk?.moveTo(flagged, victim, at);
    reading[victim] = null;
    freeAt[victim] = at;
    return victim;
  };
  const readBy = new Map<string, number>();
  // Push assignment (routing's assignment "push"): who holds which waiting study.
  const desk = team.push
    ? pushDesk(team, useAi, (r, minute) => (reading[r] && freeAt[r]! > minute ? reading[r].since : null))
    : null;
  const arrive = (a: Arrival) => {
    queue.push(a);
    desk?.arrive(a, a.at);
  };

  for (;;) {
    let reader = -1;
    let t = Infinity;
    for (let r = 0; r < maxReaders; r++) {
      const at = nextOnDuty(r, freeAt[r]!);
      if (at < t) [reader, t] = [r, at];
    }
    if (reader < 0 || t >= end * 3) break;
    if (interrupts) {
      // Arrivals before any reader is free: each flagged one may interrupt a read.
      let interrupted = false;
      while (!interrupted && next < arrivals.length && arrivals[next]!.at < t) {
        const a = arrivals[next++]!;
        arrive(a);
        if (a.flagged) interrupted = interruptFor(a) >= 0;
      }
      if (interrupted) continue;
    }
    // The reader's last read (if any) has ended.
    reading[reader] = null;
    while (next < arrivals.length && arrivals[next]!.at <= t) arrive(arrivals[next++]!);
    if (desk && discipline !== "fifo") {
      const compare = compareReadingOrder(asDate(t));
      desk.rebalance(t, (a, b) => compare(keys.get(a.id)!, keys.get(b.id)!));
    } else desk?.rebalance(t, (a, b) => a.at - b.at);
    if (queue.length > maxQueue) {
      // The readers cannot keep up: the list would only grow. Stop here and say so.
      overloadedAt = t;
      break;
    }
    if (queue.length === 0) {
      if (next >= arrivals.length) break;
      freeAt[reader] = arrivals[next]!.at;
      continue;
    }
    // What this reader may read (everything, without reading groups); with push, what is
    // assigned to them first, then what is assigned to nobody.
    const mine = desk ? queue.flatMap((a, i) => (desk.holderOf(a) === reader ? [i] : [])) : [];
    const pool =
      mine.length > 0
        ? mine
        : team.grouped
          ? queue.flatMap((a, i) =>
              (!desk || desk.holderOf(a) === undefined) && team.mayRead(reader, a, t, useAi) ? [i] : [],
            )
          : queue.map((_, i) => i);
    if (pool.length === 0) {
      // Nothing for them yet: wait for the next arrival, or for coverage or overflow to change.
      // (Only arrivals they may read wake them: a reader of a quiet group must not rescan a long queue at every arrival.)
      let wake = team.nextChange(queue, t);
      for (let j = next; j < arrivals.length && arrivals[j]!.at < wake; j++)
        if (team.mayRead(reader, arrivals[j]!, arrivals[j]!.at, useAi)) wake = arrivals[j]!.at;
      freeAt[reader] = wake;
      continue;
    }
    let pick = pool[0]!;
    const offTop = scenario.claims.offTopProbability > 0 && claimRng.chance(scenario.claims.offTopProbability);
    if (discipline !== "fifo" && !offTop) {
      const compare = compareReadingOrder(asDate(t));
      for (const i of pool) if (compare(keys.get(queue[i]!.id)!, keys.get(queue[pick]!.id)!) < 0) pick = i;
    } else if (discipline === "fifo" && !offTop) {
      for (const i of pool) if (queue[i]!.at < queue[pick]!.at) pick = i;
    } else if (offTop) {
      // A reader picking from the list rather than pressing Next case: any of the top few.
      const compare =
        discipline === "fifo"
          ? (a: Arrival, b: Arrival) => a.at - b.at
          : (() => {
              const c = compareReadingOrder(asDate(t));
              return (a: Arrival, b: Arrival) => c(keys.get(a.id)!, keys.get(b.id)!);
            })();
      const top = pool
        .map((i) => [queue[i]!, i] as const)
        .sort((x, y) => compare(x[0], y[0]))
        .slice(0, scenario.claims.fromTop);
      pick = top[claimRng.int(0, top.length - 1)]![1];
    }
    const study = queue.splice(pick, 1)[0]!;
    desk?.start(study);
    readBy.set(study.id, reader);
    const done = readSoFar.get(study.id) ?? 0;
    const left = study.readMinutes - done;
    // A study's wait is all the time it is not being read until its read ends: for one read
    // without interruption, arrival to start.
    waits.set(study.id, t - study.at - done);
    if (!trace?.has(study.id)) trace?.set(study.id, { startedAt: t, reader });
    reading[reader] = { study, since: t };
    freeAt[reader] = t + left;
    if (t < end) busyMinutes += Math.min(left, end - t);
  }

  for (const [id, entry] of trace ?? []) {
    entry.finishedBy = readBy.get(id)!;
    entry.interrupted = readSoFar.has(id);
  }
  const counted = arrivals.filter((a) => a.at >= scenario.warmupDays * 24 * 60 && a.at < end);
  const waitOf = (list: Arrival[]) => list.flatMap((a) => (waits.has(a.id) ? [waits.get(a.id)!] : []));
  let dutyMinutes = 0;
  for (let h = 0; h < scenario.days * 24; h++) dutyMinutes += 60 * team.onDutyInHour(h % 24);
  return {
    discipline,
    label: DISCIPLINE_LABELS[discipline],
    criticalPositive: summarise(waitOf(counted.filter((a) => a.critical))),
    others: summarise(waitOf(counted.filter((a) => !a.critical))),
    unflagged: summarise(waitOf(counted.filter((a) => !a.flagged))),
    trueNegatives: summarise(waitOf(counted.filter((a) => !a.flagged && !a.critical))),
    byClass: scenario.classes.map((cls, i) => ({
      name: cls.name,
      criticalPositive: summarise(waitOf(counted.filter((a) => a.classIndex === i && a.critical))),
      others: summarise(waitOf(counted.filter((a) => a.classIndex === i && !a.critical))),
    })),
    utilisation: dutyMinutes ? busyMinutes / dutyMinutes : 0,
    readers: readerTotals(counted, waits, readBy, maxReaders, scenario, team.workRvu),
    unread: counted.filter((a) => !waits.has(a.id)).length,
    overloadedAt,
  } satisfies DisciplineResult;
}

/** Studies and RVUs each reader finished, of the counted studies. */
function readerTotals(
  counted: Arrival[],
  waits: Map<string, number>,
  readBy: Map<string, number>,
  size: number,
  scenario: ParsedScenario,
  rvuOf: (classIndex: number) => number,
): DisciplineResult["readers"] {
  const totals = Array.from({ length: size }, (_, r) => ({
    name: scenario.routing?.readers[r]?.name ?? `Reader ${r + 1}`,
    studies: 0,
    rvu: 0,
  }));
  for (const a of counted) {
    const r = readBy.get(a.id);
    if (r === undefined || !waits.has(a.id)) continue;
    totals[r]!.studies++;
    totals[r]!.rvu += rvuOf(a.classIndex);
  }
  return totals;
}

/** The engine's settings for a run: the defaults with the scenario's changes. */
function priorityConfigFor(scenario: ParsedScenario): PriorityConfig {
  return {
    ...DEFAULT_PRIORITY_CONFIG,
    ...Object.fromEntries(Object.entries(scenario.priority).filter(([, v]) => v !== undefined)),
  };
}

/** One study of a traced run: minutes from the run's start; `startedAt` and `reader` are null for studies never read. */
export type TracedStudy = {
  classIndex: number;
  arrivedAt: number;
  critical: boolean;
  flagged: boolean;
  readMinutes: number;
  startedAt: number | null;
  reader: number | null;
  /** Who finished the read (with interruptions, not always who started it). */
  finishedBy: number | null;
  /** Whether its read was interrupted and resumed later. */
  interrupted: boolean;
};

/** Every study of one discipline's run, with when its read started and which reader read it. */
export function simulateTrace(input: ScenarioInput, discipline: Discipline = "readnext"): TracedStudy[] {
  const scenario = scenarioSchema.parse(input);
  const config = priorityConfigFor(scenario);
  const arrivals = drawArrivals(scenario);
  const trace: Trace = new Map();
  runDiscipline(discipline, arrivals, scenario, config, trace);
  return arrivals.map((a) => ({
    classIndex: a.classIndex,
    arrivedAt: a.at,
    critical: a.critical,
    flagged: a.flagged,
    readMinutes: a.readMinutes,
    startedAt: trace.get(a.id)?.startedAt ?? null,
    reader: trace.get(a.id)?.reader ?? null,
    finishedBy: trace.get(a.id)?.finishedBy ?? null,
    interrupted: trace.get(a.id)?.interrupted ?? false,
  }));
}

/** A discrete-event simulation of the reading queue under each discipline. Deterministic for the scenario's seed. */
export function simulate(input: ScenarioInput): SimulationResult {
  const scenario = scenarioSchema.parse(input);
  const config = priorityConfigFor(scenario);
  const arrivals = drawArrivals(scenario);
  const results = scenario.disciplines.map((d) => runDiscipline(d, arrivals, scenario, config));
  const by = (d: Discipline) => results.find((r) => r.discipline === d);
  const fifo = by("fifo");
  const rn = by("readnext");
  const noAi = by("priority");
  const nocap = by("readnext-nocap");
  const comparison = {
    criticalMeanWaitReductionVsFifo: fifo && rn ? 1 - rn.criticalPositive.mean / fifo.criticalPositive.mean : null,
    othersMaxWaitChangeVsFifoMinutes: fifo && rn ? rn.others.max - fifo.others.max : null,
    falsePositiveExtraWaitMinutes: noAi && rn ? rn.trueNegatives.mean - noAi.trueNegatives.mean : null,
    capLimitsStarvationMinutes: nocap && rn ? nocap.unflagged.max - rn.unflagged.max : null,
  };
  const team = readingTeam(scenario);
  const meanPerHourReaders = Array.from({ length: 24 }, (_, h) => team.onDutyInHour(h)).reduce((s, v) => s + v, 0) / 24;
  const offeredMinutesPerHour = scenario.classes.reduce((s, c) => {
    const rate = Array.isArray(c.arrivalsPerHour)
      ? c.arrivalsPerHour.reduce((x, y) => x + y, 0) / 24
      : c.arrivalsPerHour;
    return s + rate * c.readMinutes.mean;
  }, 0);
  return {
    scenario: {
      days: scenario.days,
      arrivals: arrivals.length,
      readersMeanOnDuty: meanPerHourReaders,
      offeredUtilisation: offeredMinutesPerHour / (60 * meanPerHourReaders),
    },
    results,
    comparison,
    summary: [...describe(results, comparison), ...describeReaders(results, scenario.routing?.assignment)],
    byReader: scenario.routing?.assignment ?? null,
  };
}

/** How evenly the named readers' work came out under ReadNext, in words. */
function describeReaders(results: DisciplineResult[], assignment: "pull" | "push" | undefined): string[] {
  const run = results.find((r) => r.discipline === "readnext");
  if (!run || !assignment || run.overloadedAt !== null) return [];
  const rvus = run.readers.map((r) => r.rvu);
  const [min, max] = [Math.min(...rvus), Math.max(...rvus)];
  return [
    `${assignment === "push" ? "With push assignment" : "Pulling from the list"}, readers' work ranged from ${min.toFixed(1)} to ${max.toFixed(1)} RVUs (differences in hours on duty included).`,
  ];
}

/** The comparison in plain words, for chairs. */
function describe(results: DisciplineResult[], c: SimulationResult["comparison"]): string[] {
  const fifo = results.find((r) => r.discipline === "fifo");
  const rn = results.find((r) => r.discipline === "readnext");
  const lines: string[] = [];
  const overloaded = results.find((r) => r.overloadedAt !== null);
  if (overloaded) {
    lines.push(
      `These readers cannot keep up: on day ${Math.floor(overloaded.overloadedAt! / 1440) + 1} more than a day's arrivals were waiting (${overloaded.label}), so the run stopped there. Add readers or hours, or lower the arrivals; the figures below cover the studies read until then.`,
    );
    return lines;
  }
  if (fifo && rn && rn.criticalPositive.n > 0) {
    lines.push(
      `Studies with a critical finding would wait ${formatMinutes(rn.criticalPositive.mean)} on average with ReadNext instead of ${formatMinutes(fifo.criticalPositive.mean)} first-in-first-out (${Math.round((c.criticalMeanWaitReductionVsFifo ?? 0) * 100)}% less).`,
    );
    lines.push(
      `The longest wait of any other study would be ${formatMinutes(rn.others.max)} instead of ${formatMinutes(fifo.others.max)}.`,
    );
  }
  if (c.falsePositiveExtraWaitMinutes !== null) {
    lines.push(
      `False alarms cost studies without a finding ${formatMinutes(Math.max(0, c.falsePositiveExtraWaitMinutes))} of extra wait on average${c.falsePositiveExtraWaitMinutes < 0 ? " (none, in fact)" : ""}, compared with ordering by priority alone.`,
    );
  }
  if (c.capLimitsStarvationMinutes !== null && c.capLimitsStarvationMinutes > 0) {
    lines.push(
      `The maximum-wait cap shortens the longest wait of unflagged studies by ${formatMinutes(c.capLimitsStarvationMinutes)}.`,
    );
  }
  return lines;
}

import { Random } from "../random";
import { simulateTrace } from "../sim/simulate";
import type { ScenarioInput } from "../sim/scenario";
import type { OrderPriority, PatientLocation } from "../priority/classes";
import { computePriorityKey } from "../priority/engine";
import { DEFAULT_PRIORITY_CONFIG, type PriorityConfig } from "../priority/sla";

/**
 * Four weeks of a mid-size department's reading, for the demo: ~420 studies a weekday, fewer
 * at weekends, arriving by hour of day; outpatient work in the daytime, ED around the clock;
 * about 1% with a critical finding (ED head CTs the most); an AI that screens head CTs and
 * chest radiographs at a published triage operating point (sensitivity 0.9, specificity 0.93),
 * so some flags are false and some findings missed; three readers by day, one in the evening and
 * one at night. The reading itself comes from the what-if simulator (lib/sim) under ReadNext's
 * order, so waits follow the queue. Pure and seeded: the same seed and end give the same history.
 */

/** Relative arrival rate by hour of day: ED and inpatient work. */
const ALL_DAY = [
  0.45, 0.4, 0.35, 0.35, 0.35, 0.45, 0.6, 0.85, 1.2, 1.45, 1.55, 1.55, 1.45, 1.45, 1.45, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9,
  0.8, 0.65, 0.55,
];
/** Outpatient work: 7:00 to 19:00. */
const DAYTIME = Array.from({ length: 24 }, (_, h) => (h >= 7 && h < 19 ? 2 : 0));
const perHour = (profile: number[], perDay: number) => {
  const total = profile.reduce((a, b) => a + b, 0);
  return profile.map((p) => (p * perDay) / total);
};

export type DemoModel = { modelId: string; modelVersion: string; findingCode: string };
const ICH: DemoModel = { modelId: "ich-headct", modelVersion: "1.0.0", findingCode: "intracranial-bleed" };
const PTX: DemoModel = { modelId: "ptx-cxr", modelVersion: "1.0.0", findingCode: "pneumothorax" };

type DemoClass = {
  name: string;
  modality: string;
  description: string;
  bodyPart: string;
  orderPriority: OrderPriority;
  patientLocation: PatientLocation;
  /** The location text as the RIS sends it. */
  locations: string[];
  perDay: number;
  profile: number[];
  criticalPrevalence: number;
  readMinutes: number;
  model: DemoModel | null;
};

const WARDS = ["WARD 4B", "WARD 7", "ICU"];
const CLINIC = ["OUTPATIENT CLINIC"];
/** name, modality, description, body part, priority, location class, per weekday, critical share, read minutes, model */
type Row = [string, string, string, string, OrderPriority, PatientLocation, number, number, number, DemoModel | null];
const ROWS: Row[] = [
  ["CT head, ED, STAT", "CT", "CT HEAD WO CONTRAST", "HEAD", "STAT", "ED", 10, 0.1, 7, ICH],
  ["CT head, ED", "CT", "CT HEAD WO CONTRAST", "HEAD", "HIGH", "ED", 20, 0.05, 7, ICH],
  ["CT head, inpatient", "CT", "CT HEAD WO CONTRAST", "HEAD", "ROUTINE", "INPATIENT", 10, 0.04, 7, ICH],
  ["Chest X-ray, ED", "DX", "XR CHEST 1 VIEW", "CHEST", "HIGH", "ED", 60, 0.02, 3, PTX],
  ["Chest X-ray, inpatient", "DX", "XR CHEST 1 VIEW", "CHEST", "ROUTINE", "INPATIENT", 70, 0.02, 3, PTX],
  ["CT abdomen/pelvis, ED", "CT", "CT ABDOMEN PELVIS W CONTRAST", "ABDOMEN", "HIGH", "ED", 35, 0, 15, null],
  ["X-ray extremity, ED", "DX", "XR WRIST 3 VIEWS", "EXTREMITY", "ROUTINE", "ED", 50, 0, 2, null],
  ["CT chest, outpatient", "CT", "CT CHEST WO CONTRAST", "CHEST", "ROUTINE", "OUTPATIENT", 30, 0, 12, null],
  ["MR brain, outpatient", "MR", "MR BRAIN W WO CONTRAST", "HEAD", "ROUTINE", "OUTPATIENT", 25, 0, 15, null],
  ["MR spine, outpatient", "MR", "MR LUMBAR SPINE WO CONTRAST", "LSPINE", "ROUTINE", "OUTPATIENT", 30, 0, 12, null],
  ["US abdomen, outpatient", "US", "US ABDOMEN COMPLETE", "ABDOMEN", "ROUTINE", "OUTPATIENT", 40, 0, 5, null],
  ["Mammography, screening", "MG", "MG SCREENING BILATERAL", "BREAST", "LOW", "OUTPATIENT", 40, 0, 4, null],
];

/** ED and inpatient work arrives around the clock, outpatient work in the daytime. */
export const DEMO_CLASSES: DemoClass[] = ROWS.map(
  ([
    name,
    modality,
    description,
    bodyPart,
    orderPriority,
    patientLocation,
    perDay,
    criticalPrevalence,
    readMinutes,
    model,
  ]) => ({
    name,
    modality,
    description,
    bodyPart,
    orderPriority,
    patientLocation,
    locations: patientLocation === "ED" ? ["ED"] : patientLocation === "INPATIENT" ? WARDS : CLINIC,
    perDay,
    profile: patientLocation === "OUTPATIENT" ? DAYTIME : ALL_DAY,
    criticalPrevalence,
    readMinutes,
    model,
  }),
);

/** Whole days of history before today's. */
export const DEMO_HISTORY_DAYS = 28;
/** Readers on duty by hour: three 8:00–18:00, one in the evening and overnight. */
export const DEMO_READERS_BY_HOUR = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 3 : 1));
export const DEMO_AI = { sensitivity: 0.9, specificity: 0.93 };

/**
 * When each history reader went on and off duty, as the simulator staffs the hours (reader i is on
 * in an hour with more than i readers): stretches of consecutive on-duty hours, across midnight
 * too, from `start` (a UTC midnight) to `end`; `off` null when still on at `end`. A reader on
 * every hour of the day never changes duty and gets none.
 */
export function demoDutyShifts(
  start: Date,
  end: Date,
  readersByHour: readonly number[] = DEMO_READERS_BY_HOUR,
): { reader: number; on: Date; off: Date | null }[] {
  const shifts: { reader: number; on: Date; off: Date | null }[] = [];
  const readers = Math.max(0, ...readersByHour);
  for (let reader = 0; reader < readers; reader++) {
    if (readersByHour.every((n) => n > reader)) continue;
    let on: Date | null = null;
    // Duty changes only on the hour; the hours up to and including `end`.
    for (let at = start; at <= end; at = new Date(at.getTime() + 3_600_000)) {
      const duty = readersByHour[at.getUTCHours()]! > reader;
      if (duty && !on) on = at;
      if (!duty && on) {
        shifts.push({ reader, on, off: at });
        on = null;
      }
    }
    if (on) shifts.push({ reader, on, off: null });
  }
  return shifts;
}
/** Sunday first: weekends about 60% of a weekday. */
const WEEKDAY_FACTORS = [0.6, 1, 1, 1, 1, 1, 0.65];

export type HistoryStudy = {
  /** Unique within one history; part of its UID and accession. */
  index: number;
  className: string;
  modality: string;
  description: string;
  bodyPart: string;
  orderPriority: OrderPriority;
  patientLocation: PatientLocation;
  patientLocationRaw: string;
  arrivedAt: Date;
  claimedAt: Date;
  readAt: Date;
  /** Index into the history's readers (0 = the first on duty). */
  reader: number;
  /** Ground truth: the study has a critical finding. */
  critical: boolean;
  ai: (DemoModel & { flagged: boolean; probability: number }) | null;
  /** What the reader said of the AI's result, when they said anything. */
  feedback: "confirmed" | "dismissed" | null;
  /** The due time the priority engine gave it (with its AI result): "read by its due time" for the chair. */
  dueAt: Date;
  /** A scheduler's pin, now and then, with the reason. */
  pin: { at: Date; reason: string } | null;
};

const PIN_REASONS = [
  "surgeon waiting in theatre",
  "patient leaving against advice",
  "ICU asked for a read before rounds",
  "stroke team on the phone",
];

/** The history's scenario: `days` whole days ending at midnight UTC before `end`, plus today so far. */
export function demoHistoryScenario(seed: number, end: Date, days: number): { scenario: ScenarioInput; start: Date } {
  const today = Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate());
  const start = new Date(today - days * 86_400_000);
  return {
    start,
    scenario: {
      seed,
      days: days + 1,
      readers: DEMO_READERS_BY_HOUR,
      weekdayFactors: WEEKDAY_FACTORS,
      startWeekday: start.getUTCDay(),
      classes: DEMO_CLASSES.map((c) => ({
        name: c.name,
        modality: c.modality,
        orderPriority: c.orderPriority,
        patientLocation: c.patientLocation,
        arrivalsPerHour: perHour(c.profile, c.perDay),
        criticalPrevalence: c.criticalPrevalence,
        readMinutes: { mean: c.readMinutes, distribution: "lognormal", cv: 0.6 },
        screened: c.model !== null,
      })),
      ai: DEMO_AI,
      priority: { maxWaitMinutes: 24 * 60 },
      disciplines: ["readnext"],
    },
  };
}

/** Studies of the history read before `end`: what a department's database holds after four weeks. */
export function planDemoHistory(
  seed: number,
  end: Date,
  options: { days?: number; config?: PriorityConfig } = {},
): HistoryStudy[] {
  const days = options.days ?? DEMO_HISTORY_DAYS;
  const config = options.config ?? DEFAULT_PRIORITY_CONFIG;
  const { scenario, start } = demoHistoryScenario(seed, end, days);
  const rng = new Random(seed).fork("demo-history");
  const at = (minute: number) => new Date(start.getTime() + Math.round(minute * 60_000));
  const studies: HistoryStudy[] = [];
  simulateTrace(scenario).forEach((s, index) => {
    if (s.startedAt === null || s.reader === null) return;
    const readAt = at(s.startedAt + s.readMinutes);
    if (readAt >= end) return;
    const cls = DEMO_CLASSES[s.classIndex]!;
    // A score on the model's side of its 0.5 threshold (below it even after rounding), spread as real scores are.
    const probability = s.flagged ? 0.5 + 0.5 * rng.next() ** 0.5 : 0.499 * rng.next() ** 2;
    const ai = cls.model
      ? { ...cls.model, flagged: s.flagged, probability: Math.round(probability * 1000) / 1000 }
      : null;
    // Readers answer about 60% of AI results, flagged or not (the study panel asks on every one), and
    // confirm what is true; answering flags more often than negatives would bias the measured accuracy.
    const says = ai && rng.chance(0.6);
    const feedback: HistoryStudy["feedback"] = !says ? null : ai.flagged === s.critical ? "confirmed" : "dismissed";
    const arrivedAt = at(s.arrivedAt);
    const claimedAt = at(s.startedAt);
    const pin =
      !ai?.flagged && s.startedAt - s.arrivedAt > 30 && rng.chance(0.01)
        ? { at: at(s.arrivedAt + rng.range(5, s.startedAt - s.arrivedAt)), reason: rng.pick(PIN_REASONS) }
        : null;
    const { dueAt } = computePriorityKey(
      {
        id: String(index),
        arrivedAt,
        orderPriority: cls.orderPriority,
        patientLocation: cls.patientLocation,
        override: pin ? { kind: "pin", by: "Sam Scheduler", at: pin.at, reason: pin.reason } : null,
        ai: ai
          ? {
              status: ai.flagged ? "critical" : "negative",
              finding: ai.findingCode,
              probability: ai.probability,
              modelId: ai.modelId,
              modelVersion: ai.modelVersion,
              scoredAt: arrivedAt,
            }
          : null,
      },
      config,
    );
    studies.push({
      index,
      className: cls.name,
      modality: cls.modality,
      description: cls.description,
      bodyPart: cls.bodyPart,
      orderPriority: cls.orderPriority,
      patientLocation: cls.patientLocation,
      patientLocationRaw: rng.pick(cls.locations),
      arrivedAt,
      claimedAt,
      readAt,
      reader: s.reader,
      critical: s.critical,
      ai,
      feedback,
      dueAt,
      pin,
    });
  });
  return studies;
}

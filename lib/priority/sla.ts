import { z } from "zod";
import { PATIENT_LOCATIONS, PRIORITY_CLASSES, type PatientLocation, type PriorityClass } from "./classes";

export type { PriorityClass };
export type SlaTable = Record<PriorityClass, Record<PatientLocation, number>>;

/**
 * Target minutes from arrival to report, by order priority × patient location.
 * Sane defaults (STAT 30 min, ED ≤ 60 min, inpatient ~4 h, outpatient 24 h);
 * admins edit them per site. An order without a priority is read as ROUTINE.
 */
export const DEFAULT_SLA_MINUTES: SlaTable = {
  STAT: { ED: 30, INPATIENT: 30, OUTPATIENT: 30, UNKNOWN: 30 },
  HIGH: { ED: 45, INPATIENT: 60, OUTPATIENT: 120, UNKNOWN: 60 },
  MEDIUM: { ED: 60, INPATIENT: 120, OUTPATIENT: 480, UNKNOWN: 240 },
  ROUTINE: { ED: 60, INPATIENT: 240, OUTPATIENT: 1440, UNKNOWN: 480 },
  LOW: { ED: 120, INPATIENT: 480, OUTPATIENT: 1440, UNKNOWN: 1440 },
  UNKNOWN: { ED: 60, INPATIENT: 240, OUTPATIENT: 1440, UNKNOWN: 480 },
};

const minutes = z
  .number()
  .int()
  .min(1)
  .max(60 * 24 * 14);
const slaRow = z.object(
  Object.fromEntries(PATIENT_LOCATIONS.map((l) => [l, minutes])) as Record<PatientLocation, typeof minutes>,
);

/** A site's priority settings, as admins save them (validated on save and on read). */
export const priorityConfigSchema = z.object({
  sla: z.object(Object.fromEntries(PRIORITY_CLASSES.map((p) => [p, slaRow])) as Record<PriorityClass, typeof slaRow>),
  /** An AI critical finding pins the study and sets this target. */
  aiCriticalTargetMinutes: minutes,
  /** An AI urgent finding shortens the target to at most this. */
  aiUrgentTargetMinutes: minutes,
  /** No study waits longer than this: past it, the study is pinned as well (null: no cap). */
  maxWaitMinutes: minutes.nullable(),
});
export type PriorityConfig = z.infer<typeof priorityConfigSchema>;

export const DEFAULT_PRIORITY_CONFIG: PriorityConfig = {
  sla: DEFAULT_SLA_MINUTES,
  aiCriticalTargetMinutes: 15,
  aiUrgentTargetMinutes: 60,
  maxWaitMinutes: 24 * 60,
};

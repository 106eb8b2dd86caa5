import { z } from "zod";
import { orderPrioritySchema, patientLocationSchema } from "../priority/classes";
import { priorityConfigSchema } from "../priority/sla";
import { groupKeySchema, readingGroupSchema } from "../routing/routing-config";

const perHour = z.union([z.number().min(0), z.array(z.number().min(0)).length(24)]);

export const DISCIPLINES = ["fifo", "priority", "readnext", "readnext-nocap"] as const;
export type Discipline = (typeof DISCIPLINES)[number];

export const DISCIPLINE_LABELS: Record<Discipline, string> = {
  fifo: "First in, first out",
  priority: "Order priority, no AI",
  readnext: "ReadNext (AI + due times + cap)",
  "readnext-nocap": "ReadNext without the wait cap",
};

/** A department to simulate: who arrives when, what they have, how long reads take, who reads. */
export const scenarioSchema = z
  .object({
    seed: z.number().int().default(1),
    days: z.number().min(0.1).max(3660),
    /** Arrivals before this many days are simulated but not counted (the queue fills up first). */
    warmupDays: z.number().min(0).default(0),
    /** Readers on duty: one number, or one per hour of the day (ignored when `routing` names the readers). */
    readers: perHour,
    /**
     * Arrivals on each day of the week (Sunday first) relative to the hourly rates, e.g. weekends
     * quieter; day 0 of the run is `startWeekday`. Default: every day the same.
     */
    weekdayFactors: z.array(z.number().min(0)).length(7).optional(),
    startWeekday: z.number().int().min(0).max(6).default(0),
    classes: z
      .array(
        z.object({
          name: z.string().min(1),
          modality: z.string().default("CT"),
          /** DICOM body part (e.g. HEAD), for the RVU table; null: any. */
          bodyPart: z.string().max(64).nullable().default(null),
          /** Work RVUs of one study (push balancing); default: the starter RVU table's figure for modality and body part. */
          workRvu: z.number().min(0).max(100).optional(),
          orderPriority: orderPrioritySchema.nullable().default("ROUTINE"),
          patientLocation: patientLocationSchema.default("UNKNOWN"),
          /** Arrivals per hour: one rate, or one per hour of the day. */
          arrivalsPerHour: perHour,
          /** Share of studies with a critical finding. */
          criticalPrevalence: z.number().min(0).max(1).default(0),
          readMinutes: z.object({
            mean: z.number().positive(),
            distribution: z.enum(["exponential", "lognormal", "fixed"]).default("exponential"),
            cv: z.number().min(0).default(0.5),
          }),
          /** Whether an AI model screens this class. */
          screened: z.boolean().default(true),
          /** The reading group its studies go to (with `routing`); default: the first group. */
          group: groupKeySchema.optional(),
        }),
      )
      .min(1),
    /** The AI: sensitivity and specificity for critical findings. */
    ai: z.object({ sensitivity: z.number().min(0).max(1), specificity: z.number().min(0).max(1) }),
    /** Priority engine settings that differ from the defaults (the site's own SLA table, say, or maxWaitMinutes). */
    priority: z
      .object({
        sla: priorityConfigSchema.shape.sla.optional(),
        aiCriticalTargetMinutes: z.number().positive().optional(),
        aiUrgentTargetMinutes: z.number().positive().optional(),
        maxWaitMinutes: z.number().positive().nullable().optional(),
      })
      .default({}),
    /**
     * Claim behaviour: how often a reader takes a case other than the top one (picking an
     * easier case, say), uniformly among the top `fromTop` of the list. 0 = always Next case.
     */
    claims: z
      .object({ offTopProbability: z.number().min(0).max(1).default(0), fromTop: z.number().int().min(1).default(5) })
      .default({ offTopProbability: 0, fromTop: 5 }),
    /**
     * Reading groups: named readers, each with their groups and hours, and studies that only
     * readers of their class's group read — unless nobody on duty covers that group, or a study
     * waited past its group's overflow time; then the overflow group (or, if none, every
     * attending) reads it too. Eligibility and coverage are the live system's own
     * (lib/routing/eligibility.ts).
     */
    routing: z
      .object({
        groups: z.array(readingGroupSchema).min(1).max(20),
        overflowGroup: groupKeySchema.nullable().default(null),
        /**
         * "pull": readers press Next case on the shared list; "push": each arriving study is assigned
         * to one eligible on-duty reader by the live system's rule (least RVUs this shift, within
         * caps; AI-critical and STAT to whoever is free soonest), who reads what is assigned to them
         * first; what an off-duty reader still holds goes back out on the hour.
         */
        assignment: z.enum(["pull", "push"]).default("pull"),
        readers: z
          .array(
            z.object({
              name: z.string().min(1),
              groups: z.array(groupKeySchema).max(20),
              /** Hours of the day (0–23) on duty; default: all day. */
              hours: z.array(z.number().int().min(0).max(23)).max(24).optional(),
              trainee: z.boolean().default(false),
              /** Most RVUs of open assigned work at once (push assignment); null: no cap. */
              capRvu: z.number().positive().nullable().default(null),
            }),
          )
          .min(1)
          .max(200),
      })
      .optional(),
    /**
     * What an AI-flagged study does when every reader on duty is busy: "none" waits for the next
     * free reader (non-preemptive priority); "critical" interrupts the least urgent read of an
     * unflagged study, whose reader takes the flagged one, and the interrupted read goes back on
     * the list and resumes later where it stopped (preemptive-resume priority).
     */
    interruptions: z.enum(["none", "critical"]).default("none"),
    disciplines: z
      .array(z.enum(DISCIPLINES))
      .min(1)
      .default([...DISCIPLINES]),
  })
  .superRefine((s, ctx) => {
    // Every group a class or a reader names, or the overflow group, must be one of the groups.
    const keys = new Set(s.routing?.groups.map((g) => g.key) ?? []);
    const check = (group: string | null | undefined, path: (string | number)[]) => {
      if (group && !keys.has(group))
        ctx.addIssue({
          code: "custom",
          path,
          message: s.routing
            ? `"${group}" is not one of the reading groups`
            : "a class has a group but there are no reading groups",
        });
    };
    s.classes.forEach((c, i) => check(c.group, ["classes", i, "group"]));
    s.routing?.readers.forEach((r, i) => r.groups.forEach((g) => check(g, ["routing", "readers", i, "groups"])));
    check(s.routing?.overflowGroup, ["routing", "overflowGroup"]);
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

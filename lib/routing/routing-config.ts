import { z } from "zod";

/** A reading group's key: short, lower case, stable (memberships and studies refer to it). */
export const groupKeySchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "a group key is 1–32 lower-case letters, digits or dashes, e.g. neuro");

export const readingGroupSchema = z.object({
  key: groupKeySchema,
  label: z.string().trim().min(1).max(60),
  /** After this many minutes unread, the group's studies also show to the overflow readers; null: only when nobody covers the group. */
  overflowMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .nullable()
    .default(null),
});
export type ReadingGroup = z.infer<typeof readingGroupSchema>;

const upperList = (max: number) =>
  z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .max(64)
        .transform((v) => v.toUpperCase()),
    )
    .max(max)
    .default([]);

/**
 * A routing rule: every condition it sets must hold (a list holds when any of its entries
 * does); conditions left empty hold for every study. Rules are tried in order; the first
 * that matches gives the study its group.
 */
export const routingRuleSchema = z
  .object({
    id: z.string().trim().min(1).max(40),
    name: z.string().trim().min(1).max(80),
    group: groupKeySchema,
    modalities: upperList(20),
    bodyParts: upperList(40),
    /** Words the study description contains (case does not matter). */
    descriptionContains: upperList(40),
    /** The RIS order's procedure code (HL7 OBR-4), exactly (case does not matter). */
    procedureCodes: upperList(40),
    /** Patient age in whole years at routing time: from minAgeYears, below belowAgeYears. */
    minAgeYears: z.number().int().min(0).max(150).nullable().default(null),
    belowAgeYears: z.number().int().min(1).max(151).nullable().default(null),
    /** PACS source ids (the site the study came from). */
    sourceIds: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    /** Words the DICOM institution name contains (the hospital, where one PACS serves several). */
    institutionContains: upperList(40),
  })
  .refine((r) => r.minAgeYears === null || r.belowAgeYears === null || r.minAgeYears < r.belowAgeYears, {
    message: "the lowest age must be below the age limit",
    path: ["belowAgeYears"],
  });
export type RoutingRule = z.infer<typeof routingRuleSchema>;

export const routingConfigSchema = z
  .object({
    groups: z.array(readingGroupSchema).max(50).default([]),
    rules: z.array(routingRuleSchema).max(200).default([]),
    /** Where a study no rule matches goes. Required once there are groups. */
    defaultGroup: groupKeySchema.nullable().default(null),
    /** Who sees overflowing studies: this group's members, or (null) every attending. */
    overflowGroup: groupKeySchema.nullable().default(null),
    /** pull: readers take Next case; push: each open study is assigned to one eligible on-duty reader. */
    assignment: z.enum(["pull", "push"]).default("pull"),
    /**
     * Push only: when every eligible reader is busy, an AI-critical or STAT study asks a reader
     * on a less urgent case to pause it (they accept or decline) instead of waiting for the
     * reader who will be free soonest.
     */
    interruptions: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    const keys = c.groups.map((g) => g.key);
    const dup = keys.find((k, i) => keys.indexOf(k) !== i);
    if (dup) ctx.addIssue({ code: "custom", path: ["groups"], message: `the group key "${dup}" is used twice` });
    const ids = c.rules.map((r) => r.id);
    const dupId = ids.find((k, i) => ids.indexOf(k) !== i);
    if (dupId) ctx.addIssue({ code: "custom", path: ["rules"], message: `the rule id "${dupId}" is used twice` });
    if (c.groups.length > 0 && (c.defaultGroup === null || !keys.includes(c.defaultGroup)))
      ctx.addIssue({
        code: "custom",
        path: ["defaultGroup"],
        message: "choose a default group (one of the groups) for studies no rule matches",
      });
    if (c.overflowGroup !== null && !keys.includes(c.overflowGroup))
      ctx.addIssue({
        code: "custom",
        path: ["overflowGroup"],
        message: `the overflow group "${c.overflowGroup}" is not one of the groups`,
      });
  });
export type RoutingConfig = z.infer<typeof routingConfigSchema>;

/** No groups: routing is off and every reader may read every study (ReadNext before routing). */
export const ROUTING_OFF: RoutingConfig = {
  groups: [],
  rules: [],
  defaultGroup: null,
  overflowGroup: null,
  assignment: "pull",
  interruptions: false,
};

/** Push assignment needs reading groups (routing on) and the site setting. */
export const pushIsOn = (config: RoutingConfig) => routingIsOn(config) && config.assignment === "push";

export const routingIsOn = (config: RoutingConfig) => config.groups.length > 0;

export const groupLabel = (config: RoutingConfig, key: string) =>
  config.groups.find((g) => g.key === key)?.label ?? key;

import type { Db } from "../db/client";
import { DEFAULT_SCENARIO } from "@/lib/sim/default-scenario";
import type { ScenarioInput } from "@/lib/sim/scenario";
import { accuracyFromFeedback, prevalenceFromFlagRate } from "@/lib/models/accuracy";
import { aiAccuracy } from "./ai-accuracy";
import { getPriorityConfig, getRoutingConfig } from "../core/settings";
import { pushIsOn, routingIsOn } from "@/lib/routing/routing-config";
import { shiftCovers } from "@/lib/routing/shifts";
import { formatMinutes } from "@/lib/priority/engine";
import type { PriorityConfig } from "@/lib/priority/sla";

/** The site's saved SLA table, AI targets and wait cap, which the simulation orders by as the worklist does. */
const siteRules = (config: PriorityConfig) => ({
  priority: config,
  basis: `Due times follow this site's saved SLA table, AI targets (critical ${formatMinutes(config.aiCriticalTargetMinutes)}, urgent ${formatMinutes(config.aiUrgentTargetMinutes)}) and wait cap (${config.maxWaitMinutes === null ? "none" : formatMinutes(config.maxWaitMinutes)}), as the worklist does.`,
});

/** Reviews needed on each side before the measured figure replaces the assumed one. */
const MIN_REVIEWS = 20;

async function measuredAiAccuracy(
  db: Db,
  since: Date,
  now: Date,
): Promise<{ figures: ScenarioInput["ai"]; basis: string }> {
  const models = await aiAccuracy(db, { since, until: now });
  const all = accuracyFromFeedback(
    models.reduce(
      (t, m) => ({
        truePositive: t.truePositive + m.truePositive,
        falsePositive: t.falsePositive + m.falsePositive,
        trueNegative: t.trueNegative + m.trueNegative,
        falseNegative: t.falseNegative + m.falseNegative,
      }),
      { truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 },
    ),
  );
  const positives = all.truePositive + all.falseNegative;
  const negatives = all.trueNegative + all.falsePositive;
  const fallback = DEFAULT_SCENARIO.ai;
  const sensitivity =
    positives >= MIN_REVIEWS && all.sensitivity !== null
      ? Math.round(all.sensitivity * 1000) / 1000
      : fallback.sensitivity;
  const specificity =
    negatives >= MIN_REVIEWS && all.specificity !== null
      ? Math.round(all.specificity * 1000) / 1000
      : fallback.specificity;
  const said = (measured: boolean, value: number, n: number) =>
    measured
      ? `${value} measured from ${n} reviewed results`
      : `${value} assumed (${n} reviewed, ${MIN_REVIEWS} needed)`;
  return {
    figures: { sensitivity, specificity },
    basis: `AI accuracy from radiologists' confirm / dismiss: sensitivity ${said(positives >= MIN_REVIEWS, sensitivity, positives)}, specificity ${said(negatives >= MIN_REVIEWS, specificity, negatives)}.`,
  };
}

export type Prefill = { scenario: ScenarioInput; basis: string[] };

// A Monday (2000-01-03), for reading a weekly schedule's hours on a typical weekday.
const MONDAY = { date: "2000-01-03", weekday: 1 };
const HOURS = Array.from({ length: 24 }, (_, h) => h);

/**
 * The site's reading groups and its readers (their groups, trainee or not, and the hours of
 * their Monday shifts; readers without shifts count all day if on duty now), or null while
 * routing is off or nobody is in a group.
 */
async function siteReadingGroups(db: Db): Promise<{
  routing: NonNullable<ScenarioInput["routing"]>;
  interruptions: "none" | "critical";
  defaultGroup: string;
  basis: string;
} | null> {
  const config = await getRoutingConfig(db);
  if (!routingIsOn(config) || !config.defaultGroup) return null;
  const rows = await db.user.findMany({
    where: { disabled: false, roles: { has: "radiologist" }, readerGroups: { some: {} } },
    select: {
      name: true,
      readerProfile: { select: { trainee: true, onDuty: true, capRvu: true } },
      readerGroups: { select: { groupKey: true } },
      shifts: { where: { date: null, off: false }, select: { weekday: true, startMinute: true, endMinute: true } },
    },
    orderBy: { name: "asc" },
  });
  const known = new Set(config.groups.map((g) => g.key));
  const readers = rows.flatMap((r) => {
    const groups = r.readerGroups.map((m) => m.groupKey).filter((g) => known.has(g));
    const weekly = r.shifts.map((s) => ({ ...s, date: null, groups: [], off: false }));
    const hours =
      weekly.length > 0
        ? HOURS.filter((h) => weekly.some((s) => shiftCovers(s, { ...MONDAY, minute: h * 60 + 30 })))
        : (r.readerProfile?.onDuty ?? true)
          ? HOURS
          : [];
    if (groups.length === 0 || hours.length === 0) return [];
    return [
      {
        name: r.name,
        groups,
        hours,
        trainee: r.readerProfile?.trainee ?? false,
        capRvu: r.readerProfile?.capRvu ?? null,
      },
    ];
  });
  if (readers.length === 0) return null;
  return {
    routing: { groups: config.groups, overflowGroup: config.overflowGroup, assignment: config.assignment, readers },
    // The site's interruptions (push only) as the simulator's policy: it interrupts for AI-critical studies.
    interruptions: pushIsOn(config) && config.interruptions ? "critical" : "none",
    defaultGroup: config.defaultGroup,
    basis: `Reading groups and ${readers.length} ${readers.length === 1 ? "reader" : "readers"} from this site's routing: each reader's groups, cap and the hours of their Monday shifts (readers without shifts: all day), and ${config.assignment === "push" ? `push assignment${config.interruptions ? " with interruptions (simulated for AI-critical studies)" : ""}` : "pull (Next case)"} as set. Each class goes to the group most of its studies were routed to.`,
  };
}

/** Critical share assumed where no model screens a class (nothing measures it there). */
const ASSUMED_PREVALENCE = 0.03;

/** Whether a model screens the class, and its estimated share of true critical findings. */
function classAi(c: { n: bigint; scored: bigint; critical: bigint }, ai: ScenarioInput["ai"]) {
  const screened = Number(c.scored) * 2 >= Number(c.n);
  if (!screened) return { screened, criticalPrevalence: ASSUMED_PREVALENCE };
  const flagRate = Number(c.critical) / Number(c.scored);
  const p = prevalenceFromFlagRate(flagRate, ai.sensitivity, ai.specificity) ?? flagRate;
  return { screened, criticalPrevalence: Math.round(p * 1000) / 1000 };
}

/**
 * A what-if scenario from this department's last 30 days: one class per modality ×
 * order priority × location with its hourly arrival rate, read times from claim to
 * read, readers from who read in each hour, and the AI's confirmed accuracy when there
 * is any. Falls back to the shipped scenario, saying so, where the data is too thin.
 */
export async function prefillScenario(db: Db, now = new Date()): Promise<Prefill> {
  const since = new Date(now.getTime() - 30 * 24 * 3600_000);
  const classes = await db.$queryRaw<
    {
      modality: string;
      priority: string | null;
      location: string;
      n: bigint;
      scored: bigint;
      critical: bigint;
      readMinutes: number | null;
      group: string | null;
      workRvu: number | null;
    }[]
  >`
    SELECT COALESCE(s.modalities[1], 'OT') AS modality, s."orderPriority"::text AS priority, s."patientLocation"::text AS location,
           count(*) AS n, mode() WITHIN GROUP (ORDER BY NULLIF(s."routedGroup", '')) AS "group", count(*) FILTER (WHERE s."aiStatus" IN ('critical', 'urgent', 'negative')) AS scored,
           count(*) FILTER (WHERE s."aiStatus" = 'critical') AS critical, avg(s."workRvu")::float8 AS "workRvu",
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s."readAt" - s."claimedAt") / 60) AS "readMinutes"
    FROM "Study" s WHERE s."firstSeenAt" >= ${since}
    GROUP BY 1, 2, 3 HAVING count(*) >= 5 ORDER BY count(*) DESC LIMIT 12`;
  const [readers] = await db.$queryRaw<{ perHour: number | null }[]>`
    SELECT avg(n)::float8 AS "perHour" FROM (
      SELECT date_trunc('hour', "readAt") AS h, count(DISTINCT "readById") AS n FROM "Study"
      WHERE "readAt" >= ${since} AND "readById" IS NOT NULL GROUP BY 1) x`;
  const total = classes.reduce((s, c) => s + Number(c.n), 0);
  const rules = siteRules(await getPriorityConfig(db));
  const team = await siteReadingGroups(db);
  const groupOf = (g: string | null) =>
    team ? (g && team.routing.groups.some((x) => x.key === g) ? g : team.defaultGroup) : undefined;
  if (total < 50) {
    const arrived = await db.study.count({ where: { firstSeenAt: { gte: since } } });
    return {
      scenario: {
        ...DEFAULT_SCENARIO,
        priority: rules.priority,
        ...(team
          ? {
              routing: team.routing,
              interruptions: team.interruptions,
              classes: DEFAULT_SCENARIO.classes.map((c) => ({ ...c, group: team.defaultGroup })),
            }
          : {}),
      },
      basis: [
        `${arrived} studies arrived in the last 30 days, too few to model this department: showing the shipped example department instead. Edit it to match yours.`,
        rules.basis,
        ...(team ? [team.basis] : []),
      ],
    };
  }
  const hours = 30 * 24;
  const basis = [
    `${total} studies that arrived in the last 30 days, in ${classes.length} classes (modality × priority × location with at least 5 studies).`,
  ];
  const readersOnDuty = Math.max(1, Math.round(readers?.perHour ?? 0));
  basis.push(
    readers?.perHour
      ? `About ${readersOnDuty} radiologists read in a typical hour.`
      : "No reads recorded yet: assuming 3 readers.",
  );
  const ai = await measuredAiAccuracy(db, since, now);
  basis.push(ai.basis);
  basis.push(
    `A class counts as screened when a model scored most of its studies; its share of critical findings is estimated from its flag rate and the AI's accuracy (Rogan–Gladen: flags include false ones). Classes no model screens assume ${ASSUMED_PREVALENCE}.`,
  );
  basis.push(rules.basis);
  if (team) basis.push(team.basis);
  return {
    basis,
    scenario: {
      ...DEFAULT_SCENARIO,
      priority: rules.priority,
      ...(team ? { routing: team.routing, interruptions: team.interruptions } : {}),
      ai: ai.figures,
      readers: readers?.perHour ? readersOnDuty : 3,
      classes: classes.map((c) => ({
        name: `${c.modality}, ${c.priority ?? "no priority"}, ${c.location.toLowerCase()}`,
        modality: c.modality,
        orderPriority: (c.priority as "STAT" | null) ?? null,
        patientLocation: c.location as "ED",
        arrivalsPerHour: Math.round((Number(c.n) / hours) * 1000) / 1000,
        ...classAi(c, ai.figures),
        ...(team ? { group: groupOf(c.group) } : {}),
        // The site's own RVU table, as stored on each study when it was routed.
        ...(c.workRvu !== null ? { workRvu: Math.round(c.workRvu * 100) / 100 } : {}),
        readMinutes: {
          mean: Math.max(1, Math.round((c.readMinutes ?? 8) * 10) / 10),
          distribution: "lognormal",
          cv: 0.5,
        },
      })),
    },
  };
}

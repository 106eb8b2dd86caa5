import { chooseAssignee, type Candidate } from "../routing/assignment";
import {
  coverage,
  eligibility,
  type EligibilityStudy,
  type ReaderAccess,
  type RoutingContext,
  type Site,
} from "../routing/eligibility";
import { routingConfigSchema } from "../routing/routing-config";
import { STARTER_RVU_TABLE, workRvu } from "../routing/rvu";
import type { scenarioSchema } from "./scenario";

type ParsedScenario = ReturnType<typeof scenarioSchema.parse>;

/** What the team needs to know of a study in the queue. */
export type QueuedStudy = { classIndex: number; at: number; flagged: boolean };

/** A reader's push-assignment load at a moment: what lib/routing/assignment.ts weighs. */
export type ReaderLoad = { shiftRvu: number; openRvu: number; readingSince: number | null };

export type ReadingTeam = {
  /** How many readers there are (reader indexes 0 … size − 1). */
  size: number;
  onDuty(reader: number, minute: number): boolean;
  /** Readers on duty in an hour of the day (for utilisation). */
  onDutyInHour(hour: number): number;
  /** Whether the reader may read the study at that minute (always, without reading groups). */
  mayRead(reader: number, study: QueuedStudy, minute: number, useAi: boolean): boolean;
  /** With reading groups: the next minute after `t` at which a queued study can become readable by someone new (coverage changes on the hour, or a study overflows by time). */
  nextChange(queue: readonly QueuedStudy[], t: number): number;
  grouped: boolean;
  /** Whether studies are pushed to readers (routing's assignment "push") rather than pulled with Next case. */
  push: boolean;
  /** Work RVUs of a study of the class: the class's own figure, else the starter RVU table's. */
  workRvu(classIndex: number): number;
  /**
   * Push assignment: which on-duty reader gets the study at that minute, chosen by the live
   * system's own chooseAssignee from each reader's load; null when nobody can take it.
   */
  assignee(study: QueuedStudy, minute: number, useAi: boolean, load: (reader: number) => ReaderLoad): number | null;
};

const hourAt = (minute: number) => Math.floor((minute / 60) % 24);
const perHourValue = (v: number | number[], hour: number) => (Array.isArray(v) ? v[hour]! : v);
const ALL_DAY = Array.from({ length: 24 }, (_, h) => h);
const SITE: Site = { id: "site", name: "the department", credentialRequired: false };
const SITES = new Map([[SITE.id, SITE]]);
const asDate = (minute: number) => new Date(minute * 60_000);

/**
 * The scenario's readers: a head count per hour, or (with `routing`) named readers with their
 * groups and hours, who read only what the live system's eligibility lets them.
 */
export function readingTeam(scenario: ParsedScenario): ReadingTeam {
  const routing = scenario.routing;
  const classRvu = scenario.classes.map(
    (c) => c.workRvu ?? workRvu(STARTER_RVU_TABLE, { modalities: [c.modality], bodyPart: c.bodyPart }),
  );
  if (!routing) {
    const size = Math.max(...(Array.isArray(scenario.readers) ? scenario.readers : [scenario.readers]));
    return {
      size,
      onDuty: (reader, minute) => reader < perHourValue(scenario.readers, hourAt(minute)),
      onDutyInHour: (hour) => perHourValue(scenario.readers, hour),
      mayRead: () => true,
      nextChange: () => Infinity,
      grouped: false,
      push: false,
      workRvu: (classIndex) => classRvu[classIndex]!,
      assignee: () => null,
    };
  }
  const config = routingConfigSchema.parse({
    groups: routing.groups,
    rules: [],
    defaultGroup: routing.groups[0]!.key,
    overflowGroup: routing.overflowGroup,
  });
  const hours = routing.readers.map((r) => new Set(r.hours ?? ALL_DAY));
  const readerIndex = new Map(routing.readers.map((_, i) => [`reader-${i}`, i]));
  const access: ReaderAccess[] = routing.readers.map((r, i) => ({
    userId: `reader-${i}`,
    name: r.name,
    trainee: r.trainee,
    onDuty: true,
    memberships: r.groups.map((group) => ({ group, modalities: [], bodyParts: [] })),
    credentials: [],
    capRvu: r.capRvu,
  }));
  // Who covers which group changes only on the hour: once per hour of the day.
  const coveredByHour = ALL_DAY.map((h) =>
    coverage(
      access.filter((_, i) => hours[i]!.has(h)),
      [SITE],
      asDate(0),
    ),
  );
  const groupOf = (classIndex: number) => scenario.classes[classIndex]!.group ?? config.defaultGroup!;
  const overflowMinutes = new Map(config.groups.map((g) => [g.key, g.overflowMinutes]));
  const memo = new Map<number, boolean>();
  // A stand-in clock: studies past their group's overflow time arrived long ago, the others just now.
  const now = asDate(10 * 24 * 60 * 60);
  /** The study and the routing context at that minute, as the live system's eligibility sees them. */
  const asLive = (study: QueuedStudy, minute: number, useAi: boolean) => {
    const cls = scenario.classes[study.classIndex]!;
    const m = overflowMinutes.get(groupOf(study.classIndex));
    const late = m != null && minute >= study.at + m;
    const s: EligibilityStudy = {
      routedGroup: groupOf(study.classIndex),
      sourceId: SITE.id,
      modalities: [cls.modality],
      bodyPart: cls.bodyPart,
      orderPriority: cls.orderPriority,
      aiStatus: useAi && study.flagged ? "critical" : null,
      firstSeenAt: late ? asDate(0) : now,
    };
    const ctx: RoutingContext = { config, sites: SITES, covered: coveredByHour[hourAt(minute)]!, now };
    return { study: s, ctx };
  };
  const push = routing.assignment === "push";
  const team: ReadingTeam = {
    size: routing.readers.length,
    onDuty: (reader, minute) => hours[reader]!.has(hourAt(minute)),
    onDutyInHour: (hour) => hours.filter((h) => h.has(hour)).length,
    mayRead(reader, study, minute, useAi) {
      // Eligibility depends on the reader, the hour (coverage), the class, the AI flag and
      // whether the study has waited past its group's overflow time: memoised on those, since a
      // pick asks for every queued study.
      const hour = hourAt(minute);
      const flagged = useAi && study.flagged;
      const m = overflowMinutes.get(groupOf(study.classIndex));
      const late = m != null && minute >= study.at + m;
      const key =
        ((reader * 24 + hour) * scenario.classes.length + study.classIndex) * 4 + (flagged ? 2 : 0) + (late ? 1 : 0);
      let answer = memo.get(key);
      if (answer === undefined) {
        const { study: s, ctx } = asLive(study, minute, useAi);
        answer = eligibility(access[reader]!, s, ctx).eligible;
        memo.set(key, answer);
      }
      return answer;
    },
    nextChange(queue, t) {
      let next = (Math.floor(t / 60) + 1) * 60;
      for (const s of queue) {
        const m = overflowMinutes.get(groupOf(s.classIndex));
        if (m != null && s.at + m > t && s.at + m < next) next = s.at + m;
      }
      return next;
    },
    grouped: true,
    push,
    workRvu: (classIndex) => classRvu[classIndex]!,
    assignee(study, minute, useAi, load) {
      const candidates: Candidate[] = [];
      for (let r = 0; r < access.length; r++) {
        // The team's memoised eligibility first: chooseAssignee checks it again for the few that pass.
        if (!team.onDuty(r, minute) || !team.mayRead(r, study, minute, useAi)) continue;
        const l = load(r);
        candidates.push({
          reader: access[r]!,
          capRvu: access[r]!.capRvu ?? null,
          shiftRvu: l.shiftRvu,
          openRvu: l.openRvu,
          readingSince: l.readingSince === null ? null : asDate(l.readingSince),
        });
      }
      const { study: s, ctx } = asLive(study, minute, useAi);
      const chosen = chooseAssignee(
        { ...s, id: `${study.classIndex}@${study.at}`, patientId: null, workRvu: classRvu[study.classIndex]! },
        candidates,
        ctx,
      );
      return chosen ? readerIndex.get(chosen.userId)! : null;
    },
  };
  return team;
}

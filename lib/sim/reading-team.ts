import { coverage, eligibility, type ReaderAccess, type RoutingContext, type Site } from "../routing/eligibility";
import { routingConfigSchema } from "../routing/routing-config";
import type { scenarioSchema } from "./scenario";

type ParsedScenario = ReturnType<typeof scenarioSchema.parse>;

/** What the team needs to know of a study in the queue. */
export type QueuedStudy = { classIndex: number; at: number; flagged: boolean };

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
  if (!routing) {
    const size = Math.max(...(Array.isArray(scenario.readers) ? scenario.readers : [scenario.readers]));
    return {
      size,
      onDuty: (reader, minute) => reader < perHourValue(scenario.readers, hourAt(minute)),
      onDutyInHour: (hour) => perHourValue(scenario.readers, hour),
      mayRead: () => true,
      nextChange: () => Infinity,
      grouped: false,
    };
  }
  const config = routingConfigSchema.parse({
    groups: routing.groups,
    rules: [],
    defaultGroup: routing.groups[0]!.key,
    overflowGroup: routing.overflowGroup,
  });
  const hours = routing.readers.map((r) => new Set(r.hours ?? ALL_DAY));
  const access: ReaderAccess[] = routing.readers.map((r, i) => ({
    userId: `reader-${i}`,
    name: r.name,
    trainee: r.trainee,
    onDuty: true,
    memberships: r.groups.map((group) => ({ group, modalities: [], bodyParts: [] })),
    credentials: [],
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
  return {
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
        const cls = scenario.classes[study.classIndex]!;
        // A stand-in clock: "late" studies arrived long ago, the others just now.
        const now = asDate(10 * 24 * 60 * 60);
        const ctx: RoutingContext = { config, sites: SITES, covered: coveredByHour[hour]!, now };
        answer = eligibility(
          access[reader]!,
          {
            routedGroup: groupOf(study.classIndex),
            sourceId: SITE.id,
            modalities: [cls.modality],
            bodyPart: null,
            orderPriority: cls.orderPriority,
            aiStatus: flagged ? "critical" : null,
            firstSeenAt: late ? asDate(0) : now,
          },
          ctx,
        ).eligible;
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
  };
}

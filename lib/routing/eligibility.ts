import { groupLabel, routingIsOn, type RoutingConfig } from "./routing-config";

/** A radiologist as routing sees them. */
export type ReaderAccess = {
  userId: string;
  name: string;
  trainee: boolean;
  onDuty: boolean;
  /** Groups they read for, each with the modalities and body parts they may read there (empty: all). */
  memberships: { group: string; modalities: string[]; bodyParts: string[] }[];
  credentials: { sourceId: string; expiresOn: Date | null }[];
  /** Most RVUs of open assigned work at once (push assignment); null or absent: no cap. */
  capRvu?: number | null;
};

/** A PACS source as a site readers may need a credential for. */
export type Site = { id: string; name: string; credentialRequired: boolean };

/** The study columns eligibility reads. */
export type EligibilityStudy = {
  routedGroup: string | null;
  sourceId: string;
  modalities: string[];
  bodyPart: string | null;
  orderPriority: string | null;
  aiStatus: string | null;
  firstSeenAt: Date;
};

export type RoutingContext = {
  config: RoutingConfig;
  sites: ReadonlyMap<string, Site>;
  /** "group|sourceId" pairs some on-duty reader may read (see coverage). */
  covered: ReadonlySet<string>;
  now: Date;
};

export type Eligibility =
  { eligible: true; via: "open" | "group" | "overflow"; reason: string | null } | { eligible: false; reason: string };

const DAY_MS = 24 * 60 * 60_000;

/** A credential counts through its expiry date (a date, UTC) and stops the day after. */
export const credentialValid = (c: { expiresOn: Date | null }, now: Date) =>
  c.expiresOn === null || now.getTime() < c.expiresOn.getTime() + DAY_MS;

/** Whether the reader may read at the site: it needs no credential, or they hold one still valid. */
export function mayReadAt(reader: ReaderAccess, site: Site | undefined, now: Date): boolean {
  if (!site?.credentialRequired) return true;
  return reader.credentials.some((c) => c.sourceId === site.id && credentialValid(c, now));
}

/** A coverage entry: "group|site", or "group|site|attending" for a pair some attending covers. */
export const coverageKey = (group: string, sourceId: string, attending = false) =>
  `${group}|${sourceId}${attending ? "|attending" : ""}`;

/**
 * The (group, site) pairs covered by at least one on-duty reader who is in the group and
 * may read at the site, and (the "|attending" entries) those covered by an attending, since
 * trainees do not read STAT and AI-critical studies. A study whose pair is not covered (for
 * STAT and AI-critical studies: by an attending) overflows. (Per-modality
 * privileges are not looked at here: a group covered only by readers restricted to other
 * modalities relies on the group's overflow time.)
 */
export function coverage(readers: readonly ReaderAccess[], sites: readonly Site[], now: Date): Set<string> {
  const covered = new Set<string>();
  for (const r of readers) {
    if (!r.onDuty) continue;
    for (const site of sites)
      if (mayReadAt(r, site, now))
        for (const m of r.memberships) {
          covered.add(coverageKey(m.group, site.id));
          if (!r.trainee) covered.add(coverageKey(m.group, site.id, true));
        }
  }
  return covered;
}

/** The group a study waits for: its routed group, or the default while it has not been routed yet ('' or null). */
export const studyGroup = (config: RoutingConfig, study: Pick<EligibilityStudy, "routedGroup">) =>
  study.routedGroup || config.defaultGroup || "";

/** Trainees do not read STAT orders or AI-critical studies on their own: those need an attending. */
export const needsAttending = (study: Pick<EligibilityStudy, "orderPriority" | "aiStatus">) =>
  study.orderPriority === "STAT" || study.aiStatus === "critical";

function ownGroup(reader: ReaderAccess, study: EligibilityStudy, ctx: RoutingContext): string | null {
  const group = studyGroup(ctx.config, study);
  const label = groupLabel(ctx.config, group);
  const m = reader.memberships.find((x) => x.group === group);
  if (!m) return `not in the ${label} group`;
  if (reader.trainee && needsAttending(study)) return "STAT and AI-critical studies need an attending";
  if (m.modalities.length && !study.modalities.some((x) => m.modalities.includes(x)))
    return `${label} privileges cover ${m.modalities.join(", ")}, not ${study.modalities.join(", ") || "this modality"}`;
  if (m.bodyParts.length && !(study.bodyPart && m.bodyParts.includes(study.bodyPart.toUpperCase())))
    return `${label} privileges cover ${m.bodyParts.join(", ")}, not ${study.bodyPart ?? "an unknown body part"}`;
  const site = ctx.sites.get(study.sourceId);
  if (!mayReadAt(reader, site, ctx.now)) {
    const c = reader.credentials.find((x) => x.sourceId === study.sourceId);
    return c
      ? `credential for ${site?.name ?? "this site"} expired ${c.expiresOn?.toISOString().slice(0, 10)}`
      : `no credential for ${site?.name ?? "this site"}`;
  }
  return null;
}

/** Why a study shows to the overflow readers now, or null: nobody covers its group at its site, or it waited too long. */
export function overflowReason(study: EligibilityStudy, ctx: RoutingContext): string | null {
  const group = studyGroup(ctx.config, study);
  const label = groupLabel(ctx.config, group);
  if (!ctx.covered.has(coverageKey(group, study.sourceId, needsAttending(study))))
    return `overflow: no ${label} ${needsAttending(study) ? "attending" : "reader"} on duty${ctx.sites.get(study.sourceId)?.credentialRequired ? ` for ${ctx.sites.get(study.sourceId)?.name}` : ""}`;
  const minutes = ctx.config.groups.find((g) => g.key === group)?.overflowMinutes ?? null;
  if (minutes !== null && study.firstSeenAt.getTime() + minutes * 60_000 <= ctx.now.getTime())
    return `overflow: waiting over ${minutes} min for ${label}`;
  return null;
}

/** Overflow goes to the overflow group's members (whatever their privileges), or to every attending when the site names none. */
export const inOverflowPool = (reader: ReaderAccess, config: RoutingConfig) =>
  config.overflowGroup === null ? !reader.trainee : reader.memberships.some((m) => m.group === config.overflowGroup);

/**
 * Whether the reader may read the study, and why (or why not). The SQL the worklist and
 * Next case filter with (server/routing/eligibility-sql.ts) says the same; an integration test
 * compares the two over a matrix of readers and studies.
 */
export function eligibility(reader: ReaderAccess, study: EligibilityStudy, ctx: RoutingContext): Eligibility {
  if (!routingIsOn(ctx.config)) return { eligible: true, via: "open", reason: null };
  const notOwn = ownGroup(reader, study, ctx);
  if (notOwn === null)
    return { eligible: true, via: "group", reason: `${groupLabel(ctx.config, studyGroup(ctx.config, study))} reader` };
  const overflow = overflowReason(study, ctx);
  if (overflow && inOverflowPool(reader, ctx.config)) return { eligible: true, via: "overflow", reason: overflow };
  return { eligible: false, reason: notOwn };
}

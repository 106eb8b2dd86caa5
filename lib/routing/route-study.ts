import { groupLabel, routingIsOn, type RoutingConfig, type RoutingRule } from "./routing-config";

/** What routing reads of a study. */
export type RoutableStudy = {
  modalities: string[];
  bodyPart: string | null;
  description: string | null;
  /** The RIS order's procedure code, when an order matched the study. */
  procedureCode: string | null;
  /** DICOM InstitutionName (0008,0080). */
  institutionName: string | null;
  /** Whole years at routing time, null when the birth date is unknown. */
  ageYears: number | null;
  sourceId: string;
};

export type Route = { group: string; ruleId: string | null; reason: string };

const upper = (v: string) => v.toUpperCase();

/** Whether every condition the rule sets holds for the study. */
export function ruleMatches(rule: RoutingRule, study: RoutableStudy): boolean {
  if (rule.modalities.length && !study.modalities.some((m) => rule.modalities.includes(upper(m)))) return false;
  if (rule.bodyParts.length && !(study.bodyPart && rule.bodyParts.includes(upper(study.bodyPart)))) return false;
  if (rule.descriptionContains.length) {
    const text = upper(study.description ?? "");
    if (!rule.descriptionContains.some((w) => text.includes(w))) return false;
  }
  if (rule.minAgeYears !== null || rule.belowAgeYears !== null) {
    if (study.ageYears === null) return false;
    if (rule.minAgeYears !== null && study.ageYears < rule.minAgeYears) return false;
    if (rule.belowAgeYears !== null && study.ageYears >= rule.belowAgeYears) return false;
  }
  if (rule.procedureCodes.length && !rule.procedureCodes.includes(upper(study.procedureCode?.trim() ?? "")))
    return false;
  if (rule.sourceIds.length && !rule.sourceIds.includes(study.sourceId)) return false;
  if (rule.institutionContains.length) {
    const name = upper(study.institutionName ?? "");
    if (!rule.institutionContains.some((w) => name.includes(w))) return false;
  }
  return true;
}

/**
 * The study's reading group: the first rule (in order) that matches and names a group that
 * exists, else the default group. Null while routing is off.
 */
export function routeStudy(config: RoutingConfig, study: RoutableStudy): Route | null {
  if (!routingIsOn(config) || config.defaultGroup === null) return null;
  const known = new Set(config.groups.map((g) => g.key));
  const rule = config.rules.find((r) => known.has(r.group) && ruleMatches(r, study));
  if (rule)
    return { group: rule.group, ruleId: rule.id, reason: `${groupLabel(config, rule.group)}: ${rule.name} rule` };
  return {
    group: config.defaultGroup,
    ruleId: null,
    reason: `${groupLabel(config, config.defaultGroup)}: no rule matched (default group)`,
  };
}

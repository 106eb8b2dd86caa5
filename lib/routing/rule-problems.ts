import type { RoutingConfig, RoutingRule } from "./routing-config";

/** A problem with the routing rules, shown on the admin page. */
export type RuleProblem = {
  ruleId: string;
  kind: "unknown-group" | "unknown-source" | "never-matches" | "overlaps" | "no-institution-names";
  message: string;
};

type Interval = { from: number; below: number };
const ageInterval = (r: RoutingRule): Interval => ({
  from: r.minAgeYears ?? 0,
  below: r.belowAgeYears ?? Number.POSITIVE_INFINITY,
});

/** `a` holds for every value `b` holds for (an empty list holds for everything). */
const listCovers = (a: string[], b: string[]) => a.length === 0 || (b.length > 0 && b.every((v) => a.includes(v)));
/** Every description containing one of b's words also contains one of a's. */
const wordsCover = (a: string[], b: string[]) =>
  a.length === 0 || (b.length > 0 && b.every((w) => a.some((x) => w.includes(x))));
const lists = (a: string[], b: string[]) => a.length === 0 || b.length === 0 || a.some((v) => b.includes(v));

/** Every study `later` matches, `earlier` matches too: `later` never wins. */
export function shadows(earlier: RoutingRule, later: RoutingRule): boolean {
  const a = ageInterval(earlier);
  const b = ageInterval(later);
  return (
    listCovers(earlier.modalities, later.modalities) &&
    listCovers(earlier.bodyParts, later.bodyParts) &&
    wordsCover(earlier.descriptionContains, later.descriptionContains) &&
    listCovers(earlier.procedureCodes, later.procedureCodes) &&
    a.from <= b.from &&
    a.below >= b.below &&
    listCovers(earlier.sourceIds, later.sourceIds) &&
    wordsCover(earlier.institutionContains, later.institutionContains)
  );
}

/** Some study could match both (descriptions are free text: two word lists can always meet). */
export function overlap(x: RoutingRule, y: RoutingRule): boolean {
  const a = ageInterval(x);
  const b = ageInterval(y);
  return (
    lists(x.modalities, y.modalities) &&
    lists(x.bodyParts, y.bodyParts) &&
    lists(x.procedureCodes, y.procedureCodes) &&
    lists(x.sourceIds, y.sourceIds) &&
    Math.max(a.from, b.from) < Math.min(a.below, b.below)
  );
}

const describe = (r: RoutingRule) => `"${r.name}"`;

/**
 * What an admin should know about the rules: a rule naming a group that does not exist
 * (skipped when routing), a site that does not exist, a rule an earlier one always beats
 * (never matches), rules that can both match (the earlier wins; fine when meant, so
 * reported as a note), and institution-name rules over sites whose PACS sends no institution
 * name (`withoutInstitutionNames`: QIDO's includefield is off for them), which never match there.
 */
export function ruleProblems(
  config: RoutingConfig,
  sourceIds: readonly string[],
  withoutInstitutionNames: readonly { id: string; name: string }[] = [],
): RuleProblem[] {
  const groups = new Set(config.groups.map((g) => g.key));
  const problems: RuleProblem[] = [];
  const live: RoutingRule[] = [];
  for (const rule of config.rules) {
    if (!groups.has(rule.group)) {
      problems.push({
        ruleId: rule.id,
        kind: "unknown-group",
        message: `Rule ${describe(rule)} sends studies to "${rule.group}", which is not a group: it is skipped until the group exists.`,
      });
      continue;
    }
    if (rule.sourceIds.length && rule.sourceIds.every((id) => !sourceIds.includes(id))) {
      problems.push({
        ruleId: rule.id,
        kind: "unknown-source",
        message: `Rule ${describe(rule)} only matches sites that no longer exist: it never matches.`,
      });
      continue;
    }
    const blind = withoutInstitutionNames.filter((s) => !rule.sourceIds.length || rule.sourceIds.includes(s.id));
    if (rule.institutionContains.length && blind.length)
      problems.push({
        ruleId: rule.id,
        kind: "no-institution-names",
        message: `Rule ${describe(rule)} matches institution names, which ${blind.map((s) => `"${s.name}"`).join(", ")} does not send (includefield is off for it): the rule never matches its studies.`,
      });
    const winner = live.find((earlier) => shadows(earlier, rule));
    if (winner) {
      problems.push({
        ruleId: rule.id,
        kind: "never-matches",
        message: `Rule ${describe(rule)} never matches: rule ${describe(winner)} comes first and matches every study it would.`,
      });
      continue;
    }
    const met = live.find((earlier) => earlier.group !== rule.group && overlap(earlier, rule));
    if (met)
      problems.push({
        ruleId: rule.id,
        kind: "overlaps",
        message: `Rules ${describe(met)} and ${describe(rule)} can match the same study; ${describe(met)} comes first and wins.`,
      });
    live.push(rule);
  }
  return problems;
}

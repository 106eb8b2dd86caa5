import { describe, expect, it } from "vitest";
import { routingConfigSchema, type RoutingConfig } from "@/lib/routing/routing-config";
import { routeStudy, type RoutableStudy } from "@/lib/routing/route-study";
import { ruleProblems } from "@/lib/routing/rule-problems";
import {
  coverage,
  eligibility,
  type EligibilityStudy,
  type ReaderAccess,
  type RoutingContext,
  type Site,
} from "@/lib/routing/eligibility";

const rule = (r: Record<string, unknown>) => ({ id: String(r.name), ...r });
const config = (over: Record<string, unknown> = {}): RoutingConfig =>
  routingConfigSchema.parse({
    groups: [
      { key: "neuro", label: "Neuro", overflowMinutes: 60 },
      { key: "body", label: "Body" },
      { key: "paeds", label: "Paediatrics" },
      { key: "general", label: "General" },
    ],
    rules: [
      rule({ name: "Children", group: "paeds", belowAgeYears: 18 }),
      rule({ name: "CT HEAD", group: "neuro", modalities: ["ct"], bodyParts: ["head", "brain"] }),
      rule({ name: "MR brain words", group: "neuro", modalities: ["MR"], descriptionContains: ["brain"] }),
      rule({ name: "North site", group: "body", sourceIds: ["north"] }),
      rule({ name: "Elderly", group: "general", minAgeYears: 90 }),
      rule({ name: "Head codes", group: "neuro", procedureCodes: ["70450", "ct-h1"] }),
      rule({ name: "St Mary's", group: "body", institutionContains: ["st mary"] }),
    ],
    defaultGroup: "general",
    overflowGroup: null,
    ...over,
  });

const study = (s: Partial<RoutableStudy> = {}): RoutableStudy => ({
  modalities: ["CT"],
  bodyPart: "CHEST",
  description: null,
  procedureCode: null,
  institutionName: null,
  ageYears: 50,
  sourceId: "main",
  ...s,
});

describe("routing rules (first match wins; every set condition must hold)", () => {
  // Each row: a study, the group hand-worked from the rules above, and the rule named in the reason.
  const table: [string, Partial<RoutableStudy>, string, string][] = [
    ["age under 18 beats the CT head rule", { bodyPart: "HEAD", ageYears: 17 }, "paeds", "Paediatrics: Children rule"],
    ["exactly 18 is not under 18", { bodyPart: "HEAD", ageYears: 18 }, "neuro", "Neuro: CT HEAD rule"],
    ["modality and body part, case-insensitive", { bodyPart: "brain" }, "neuro", "Neuro: CT HEAD rule"],
    [
      "modality matches but body part does not",
      { bodyPart: "CHEST" },
      "general",
      "General: no rule matched (default group)",
    ],
    ["any of several modalities", { modalities: ["SR", "CT"], bodyPart: "HEAD" }, "neuro", "Neuro: CT HEAD rule"],
    [
      "description word",
      { modalities: ["MR"], bodyPart: null, description: "MRI Brain w/o" },
      "neuro",
      "Neuro: MR brain words rule",
    ],
    [
      "description word, wrong modality",
      { modalities: ["CR"], description: "brain" },
      "general",
      "General: no rule matched (default group)",
    ],
    ["site", { sourceId: "north" }, "body", "Body: North site rule"],
    ["age from 90", { ageYears: 90 }, "general", "General: Elderly rule"],
    ["unknown age matches no age rule", { ageYears: null, bodyPart: "HEAD" }, "neuro", "Neuro: CT HEAD rule"],
    ["unknown age, nothing else", { ageYears: null }, "general", "General: no rule matched (default group)"],
    ["procedure code", { procedureCode: "70450" }, "neuro", "Neuro: Head codes rule"],
    ["procedure code, any case, spaces around", { procedureCode: " Ct-H1 " }, "neuro", "Neuro: Head codes rule"],
    ["a code no rule names", { procedureCode: "70460" }, "general", "General: no rule matched (default group)"],
    ["a code is not a word in it", { procedureCode: "704501" }, "general", "General: no rule matched (default group)"],
    ["institution name word", { institutionName: "St Mary's Hospital, Paddington" }, "body", "Body: St Mary's rule"],
    ["another institution", { institutionName: "Royal Free" }, "general", "General: no rule matched (default group)"],
    ["no institution name", { institutionName: null }, "general", "General: no rule matched (default group)"],
  ];
  it.each(table)("%s", (_name, s, group, reason) => {
    expect(routeStudy(config(), study(s))).toMatchObject({ group, reason });
  });

  it("skips a rule whose group does not exist, and routes nothing while there are no groups", () => {
    const c = config({ rules: [rule({ name: "Gone", group: "msk" }), rule({ name: "All", group: "body" })] });
    expect(routeStudy(c, study())).toMatchObject({ group: "body", ruleId: "All" });
    expect(routeStudy(routingConfigSchema.parse({}), study())).toBeNull();
  });

  it("refuses a config without a default group, with unknown overflow group, duplicate keys or an empty age range", () => {
    const base = { groups: [{ key: "neuro", label: "Neuro" }], defaultGroup: "neuro" };
    expect(routingConfigSchema.safeParse(base).success).toBe(true);
    expect(routingConfigSchema.safeParse({ ...base, defaultGroup: null }).success).toBe(false);
    expect(routingConfigSchema.safeParse({ ...base, overflowGroup: "night" }).success).toBe(false);
    expect(
      routingConfigSchema.safeParse({ ...base, groups: [...base.groups, { key: "neuro", label: "Again" }] }).success,
    ).toBe(false);
    expect(
      routingConfigSchema.safeParse({
        ...base,
        rules: [rule({ name: "x", group: "neuro", minAgeYears: 18, belowAgeYears: 18 })],
      }).success,
    ).toBe(false);
    expect(routingConfigSchema.safeParse({ ...base, groups: [{ key: "Neuro Group", label: "x" }] }).success).toBe(
      false,
    );
  });
});

describe("rule problems", () => {
  it("reports unknown groups, unknown sites, shadowed rules and overlaps between groups", () => {
    const c = config({
      rules: [
        rule({ name: "CT", group: "body", modalities: ["CT"] }),
        rule({ name: "CT head", group: "neuro", modalities: ["CT"], bodyParts: ["HEAD"] }),
        rule({ name: "Head", group: "neuro", bodyParts: ["HEAD"] }),
        rule({ name: "MSK", group: "msk", modalities: ["MR"] }),
        rule({ name: "Old site", group: "body", sourceIds: ["gone"] }),
        rule({ name: "Brain words", group: "neuro", descriptionContains: ["BRAIN"] }),
        rule({ name: "Brain stem words", group: "neuro", descriptionContains: ["BRAIN STEM"] }),
        rule({ name: "Kids", group: "paeds", belowAgeYears: 18 }),
        rule({ name: "Teens", group: "paeds", minAgeYears: 12, belowAgeYears: 18 }),
      ],
    });
    const byRule = Object.fromEntries(ruleProblems(c, ["main"]).map((p) => [p.ruleId, p.kind]));
    expect(byRule).toEqual({
      "CT head": "never-matches", // "CT" takes every CT
      Head: "overlaps", // a CT head matches "CT" first
      MSK: "unknown-group",
      "Old site": "unknown-source",
      "Brain words": "overlaps", // a CT with "brain" in its description
      "Brain stem words": "never-matches", // every "BRAIN STEM" description contains "BRAIN"
      Kids: "overlaps",
      Teens: "never-matches",
    });
  });

  it("knows procedure codes (exact) and institution names (words) when it looks for shadowed and overlapping rules", () => {
    const c = config({
      rules: [
        rule({ name: "Code 70450", group: "neuro", procedureCodes: ["70450"] }),
        rule({ name: "Code 70450 head", group: "neuro", procedureCodes: ["70450"], bodyParts: ["HEAD"] }),
        rule({ name: "Code 74177", group: "body", procedureCodes: ["74177"] }),
        rule({ name: "Mary", group: "body", institutionContains: ["MARY"] }),
        rule({ name: "St Mary", group: "body", institutionContains: ["ST MARY"] }),
        rule({ name: "Codes", group: "body", procedureCodes: ["70450", "74177"] }),
      ],
    });
    expect(Object.fromEntries(ruleProblems(c, ["main"]).map((p) => [p.ruleId, p.kind]))).toEqual({
      "Code 70450 head": "never-matches", // every 70450 goes to the first
      Mary: "overlaps", // a 70450 made at St Mary's
      "St Mary": "never-matches", // every "ST MARY" contains "MARY"
      Codes: "overlaps", // its 70450s go to the first rule (neuro), its 74177s to "Code 74177"
    });
  });

  it("names an institution-name rule over a site whose PACS sends no institution name (includefield off)", () => {
    const c = config({
      rules: [
        rule({ name: "St Mary's anywhere", group: "body", institutionContains: ["ST MARY"] }),
        rule({ name: "St Mary's from main", group: "body", institutionContains: ["ST MARY"], sourceIds: ["main"] }),
        rule({ name: "North CT", group: "body", modalities: ["CT"], sourceIds: ["north"] }),
      ],
    });
    const blind = [{ id: "north", name: "North PACS" }];
    const problems = ruleProblems(c, ["main", "north"], blind).filter((p) => p.kind === "no-institution-names");
    expect(problems.map((p) => p.ruleId)).toEqual(["St Mary's anywhere"]);
    expect(problems[0]!.message).toContain('"North PACS"');
    expect(ruleProblems(c, ["main", "north"]).filter((p) => p.kind === "no-institution-names")).toEqual([]);
  });

  it("finds nothing wrong with disjoint rules", () => {
    const c = config({
      rules: [
        rule({ name: "CT head", group: "neuro", modalities: ["CT"], bodyParts: ["HEAD"] }),
        rule({ name: "CT chest", group: "body", modalities: ["CT"], bodyParts: ["CHEST"] }),
        rule({ name: "Adult MR", group: "neuro", modalities: ["MR"], minAgeYears: 18 }),
        rule({ name: "Child MR", group: "paeds", modalities: ["MR"], belowAgeYears: 18 }),
      ],
    });
    expect(ruleProblems(c, ["main"])).toEqual([]);
  });
});

const NOW = new Date("2026-12-03T12:00:00Z");
const sites: Site[] = [
  { id: "main", name: "Main", credentialRequired: false },
  { id: "north", name: "North Hospital", credentialRequired: true },
];
const reader = (r: Partial<ReaderAccess> = {}): ReaderAccess => ({
  userId: "r",
  name: "R",
  trainee: false,
  onDuty: true,
  memberships: [{ group: "neuro", modalities: [], bodyParts: [] }],
  credentials: [],
  ...r,
});
const open = (s: Partial<EligibilityStudy> = {}): EligibilityStudy => ({
  routedGroup: "neuro",
  sourceId: "main",
  modalities: ["CT"],
  bodyPart: "HEAD",
  orderPriority: "ROUTINE",
  aiStatus: null,
  firstSeenAt: new Date(NOW.getTime() - 10 * 60_000),
  ...s,
});
const ctx = (covered: string[], over: Partial<RoutingContext> = {}): RoutingContext => ({
  config: config(),
  sites: new Map(sites.map((s) => [s.id, s])),
  covered: new Set(covered),
  now: NOW,
  ...over,
});
const PAIRS = ["neuro|main", "neuro|north", "general|main", "general|north", "body|main", "body|north"];
const ALL = [...PAIRS, ...PAIRS.map((p) => `${p}|attending`)];

describe("eligibility", () => {
  const table: [string, Partial<ReaderAccess>, Partial<EligibilityStudy>, boolean | string][] = [
    ["member", {}, {}, true],
    ["not a member", { memberships: [{ group: "body", modalities: [], bodyParts: [] }] }, {}, "not in the Neuro group"],
    [
      "modality privilege held",
      { memberships: [{ group: "neuro", modalities: ["CT", "MR"], bodyParts: [] }] },
      {},
      true,
    ],
    [
      "modality privilege missing",
      { memberships: [{ group: "neuro", modalities: ["MR"], bodyParts: [] }] },
      {},
      "Neuro privileges cover MR, not CT",
    ],
    [
      "body part privilege missing",
      { memberships: [{ group: "neuro", modalities: [], bodyParts: ["SPINE"] }] },
      {},
      "Neuro privileges cover SPINE, not HEAD",
    ],
    ["credential needed and missing", {}, { sourceId: "north" }, "no credential for North Hospital"],
    [
      "credential valid through its expiry date",
      { credentials: [{ sourceId: "north", expiresOn: new Date("2026-12-03T00:00:00Z") }] },
      { sourceId: "north" },
      true,
    ],
    [
      "credential expired the day before",
      { credentials: [{ sourceId: "north", expiresOn: new Date("2026-12-02T00:00:00Z") }] },
      { sourceId: "north" },
      "credential for North Hospital expired 2026-12-02",
    ],
    ["trainee, routine", { trainee: true }, {}, true],
    ["trainee, STAT", { trainee: true }, { orderPriority: "STAT" }, "STAT and AI-critical studies need an attending"],
    [
      "trainee, AI critical",
      { trainee: true },
      { aiStatus: "critical" },
      "STAT and AI-critical studies need an attending",
    ],
    ["attending, STAT", {}, { orderPriority: "STAT" }, true],
    [
      "unrouted study waits for the default group",
      { memberships: [] },
      { routedGroup: null },
      "not in the General group",
    ],
  ];
  it.each(table)("%s", (_name, r, s, expected) => {
    const e = eligibility(reader(r), open(s), ctx(ALL));
    if (expected === true) expect(e).toMatchObject({ eligible: true, via: "group" });
    else expect(e).toEqual({ eligible: false, reason: expected });
  });

  it("everyone may read everything while routing is off", () => {
    const off = ctx([], { config: routingConfigSchema.parse({}) });
    expect(eligibility(reader({ memberships: [] }), open(), off)).toEqual({
      eligible: true,
      via: "open",
      reason: null,
    });
  });

  it("overflow: nobody on duty covers the group, or it waited past the group's overflow time", () => {
    const outsider = reader({ memberships: [{ group: "general", modalities: [], bodyParts: [] }] });
    expect(eligibility(outsider, open(), ctx(ALL)).eligible).toBe(false);
    expect(eligibility(outsider, open(), ctx(ALL.filter((k) => !k.startsWith("neuro|main"))))).toEqual({
      eligible: true,
      via: "overflow",
      reason: "overflow: no Neuro reader on duty",
    });
    // Neuro overflows after 60 minutes: 59 is not yet, 60 is.
    const at = (minutes: number) => open({ firstSeenAt: new Date(NOW.getTime() - minutes * 60_000) });
    expect(eligibility(outsider, at(59), ctx(ALL)).eligible).toBe(false);
    expect(eligibility(outsider, at(60), ctx(ALL))).toMatchObject({
      eligible: true,
      reason: "overflow: waiting over 60 min for Neuro",
    });
    // Body has no overflow time: it waits for body readers as long as one is on duty.
    expect(eligibility(outsider, open({ routedGroup: "body", firstSeenAt: new Date(0) }), ctx(ALL)).eligible).toBe(
      false,
    );
    // Overflow goes to attendings when the site names no overflow group; never to trainees.
    expect(eligibility({ ...outsider, trainee: true }, at(60), ctx(ALL)).eligible).toBe(false);
    // With an overflow group, only its members get it.
    const withGroup = ctx(ALL, { config: config({ overflowGroup: "body" }) });
    expect(eligibility(outsider, at(60), withGroup).eligible).toBe(false);
    expect(
      eligibility(reader({ memberships: [{ group: "body", modalities: ["MR"], bodyParts: [] }] }), at(60), withGroup),
    ).toMatchObject({ eligible: true, via: "overflow" });
  });

  it("coverage counts on-duty members who may read at the site", () => {
    const readers = [
      reader({ userId: "a", memberships: [{ group: "neuro", modalities: [], bodyParts: [] }] }),
      reader({ userId: "b", onDuty: false, memberships: [{ group: "body", modalities: [], bodyParts: [] }] }),
      reader({
        userId: "c",
        memberships: [{ group: "general", modalities: [], bodyParts: [] }],
        credentials: [{ sourceId: "north", expiresOn: new Date("2026-01-01T00:00:00Z") }],
      }),
    ];
    expect([...coverage(readers, sites, NOW)].sort()).toEqual([
      "general|main",
      "general|main|attending",
      "neuro|main",
      "neuro|main|attending",
    ]);
    const trainee = reader({ trainee: true });
    expect([...coverage([trainee], sites, NOW)]).toEqual(["neuro|main"]);
  });

  it("where only trainees cover a group, its STAT and AI-critical studies overflow to the attendings", () => {
    const outsider = reader({ memberships: [{ group: "general", modalities: [], bodyParts: [] }] });
    const traineesOnly = ctx(ALL.filter((k) => k !== "neuro|main|attending"));
    expect(eligibility(outsider, open({ orderPriority: "STAT" }), traineesOnly)).toEqual({
      eligible: true,
      via: "overflow",
      reason: "overflow: no Neuro attending on duty",
    });
    expect(eligibility(outsider, open({ aiStatus: "critical" }), traineesOnly).eligible).toBe(true);
    expect(eligibility(outsider, open(), traineesOnly).eligible).toBe(false);
  });
});

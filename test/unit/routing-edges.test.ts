// The edges of eligibility, routing rules and the RVU table that the first mutation run showed
// no test held: the exact words a reader sees, credential expiry to the millisecond, "any of"
// lists, and the RVU CSV's header and bad lines. Expectations written by hand.
import { describe, expect, it } from "vitest";
import { routingConfigSchema } from "@/lib/routing/routing-config";
import { ruleMatches } from "@/lib/routing/route-study";
import {
  credentialValid,
  eligibility,
  inOverflowPool,
  mayReadAt,
  type ReaderAccess,
  type RoutingContext,
} from "@/lib/routing/eligibility";
import { parseRvuCsv, workRvu, type RvuTable } from "@/lib/routing/rvu";

const now = new Date("2026-12-03T10:00:00Z");
const config = routingConfigSchema.parse({
  groups: [
    { key: "neuro", label: "Neuro" },
    { key: "general", label: "General" },
  ],
  defaultGroup: "general",
  overflowGroup: "general",
});
const north = { id: "north", name: "North Hospital", credentialRequired: true };
const ctx = (
  covered: string[] = ["neuro|north", "neuro|north|attending", "neuro|main", "neuro|main|attending"],
): RoutingContext => ({
  config,
  sites: new Map([[north.id, north]]),
  covered: new Set(covered),
  now,
});
const reader = (r: Partial<ReaderAccess> = {}): ReaderAccess => ({
  userId: "u1",
  name: "Dr One",
  trainee: false,
  onDuty: true,
  memberships: [{ group: "neuro", modalities: [], bodyParts: [] }],
  credentials: [],
  ...r,
});
const study = (s: Record<string, unknown> = {}) => ({
  routedGroup: "neuro",
  sourceId: "main",
  modalities: ["CT"],
  bodyPart: "HEAD",
  orderPriority: "ROUTINE",
  aiStatus: null,
  firstSeenAt: new Date("2026-12-03T09:55:00Z"),
  ...s,
});
const why = (r: ReaderAccess, s: Record<string, unknown>, c = ctx()) => eligibility(r, study(s), c);

describe("credentials", () => {
  it("count through their expiry date (UTC) and stop at the next midnight", () => {
    const c = { expiresOn: new Date("2026-12-03T00:00:00Z") };
    expect(credentialValid(c, new Date("2026-12-03T23:59:59.999Z"))).toBe(true);
    expect(credentialValid(c, new Date("2026-12-04T00:00:00.000Z"))).toBe(false);
    expect(credentialValid({ expiresOn: null }, new Date("2099-01-01T00:00:00Z"))).toBe(true);
  });

  it("only a credential for this site counts, and the reason names the site and the date", () => {
    const forSouth = reader({ credentials: [{ sourceId: "south", expiresOn: null }] });
    expect(mayReadAt(forSouth, north, now)).toBe(false);
    expect(why(forSouth, { sourceId: "north" })).toEqual({
      eligible: false,
      reason: "no credential for North Hospital",
    });
    const expired = reader({
      credentials: [
        { sourceId: "south", expiresOn: null },
        { sourceId: "north", expiresOn: new Date("2026-11-30T00:00:00Z") },
      ],
    });
    expect(why(expired, { sourceId: "north" })).toEqual({
      eligible: false,
      reason: "credential for North Hospital expired 2026-11-30",
    });
  });
});

describe("privileges", () => {
  it("by modality: any of the study's modalities will do; the reason lists both sides", () => {
    const ctOnly = reader({ memberships: [{ group: "neuro", modalities: ["CT"], bodyParts: [] }] });
    expect(why(ctOnly, { modalities: ["SR", "CT"] })).toEqual({ eligible: true, via: "group", reason: "Neuro reader" });
    expect(why(ctOnly, { modalities: ["MR", "SR"] })).toEqual({
      eligible: false,
      reason: "Neuro privileges cover CT, not MR, SR",
    });
    expect(why(ctOnly, { modalities: [] })).toEqual({
      eligible: false,
      reason: "Neuro privileges cover CT, not this modality",
    });
  });

  it("by body part, whatever its case; a study without one is not covered", () => {
    const headOnly = reader({ memberships: [{ group: "neuro", modalities: [], bodyParts: ["HEAD", "BRAIN"] }] });
    expect(why(headOnly, { bodyPart: "brain" }).eligible).toBe(true);
    expect(why(headOnly, { bodyPart: "CSPINE" })).toEqual({
      eligible: false,
      reason: "Neuro privileges cover HEAD, BRAIN, not CSPINE",
    });
    expect(why(headOnly, { bodyPart: null })).toEqual({
      eligible: false,
      reason: "Neuro privileges cover HEAD, BRAIN, not an unknown body part",
    });
  });
});

describe("overflow", () => {
  it("goes to the overflow group's members, who need only be in it among their groups", () => {
    expect(
      inOverflowPool(
        reader({
          memberships: [
            { group: "neuro", modalities: [], bodyParts: [] },
            { group: "general", modalities: [], bodyParts: [] },
          ],
        }),
        config,
      ),
    ).toBe(true);
    expect(inOverflowPool(reader(), config)).toBe(false);
  });

  it("says which group and site nobody covers, and for STAT that no attending does", () => {
    const general = reader({ memberships: [{ group: "general", modalities: [], bodyParts: [] }] });
    expect(why(general, { sourceId: "north", orderPriority: "STAT" }, ctx(["neuro|north"]))).toEqual({
      eligible: true,
      via: "overflow",
      reason: "overflow: no Neuro attending on duty for North Hospital",
    });
    expect(why(general, { sourceId: "main" }, ctx([]))).toEqual({
      eligible: true,
      via: "overflow",
      reason: "overflow: no Neuro reader on duty",
    });
  });
});

describe("routing rules: description words", () => {
  const rule = routingConfigSchema.parse({
    groups: [{ key: "neuro", label: "Neuro" }],
    defaultGroup: "neuro",
    rules: [{ id: "r", name: "Head words", group: "neuro", descriptionContains: ["brain", "head"] }],
  }).rules[0]!;
  const s = (description: string | null) => ({
    modalities: ["CT"],
    bodyPart: null,
    description,
    procedureCode: null,
    institutionName: null,
    ageYears: 40,
    sourceId: "main",
  });

  it("match when the description holds any one of the words, in any case", () => {
    expect(ruleMatches(rule, s("CT Head w/o contrast"))).toBe(true);
    expect(ruleMatches(rule, s("MRI BRAIN"))).toBe(true);
    expect(ruleMatches(rule, s("CT chest"))).toBe(false);
    expect(ruleMatches(rule, s(null))).toBe(false);
  });
});

describe("RVU table", () => {
  const table: RvuTable = {
    defaultRvu: 0.5,
    rows: [
      { modality: "MR", bodyPart: null, rvu: 2, note: "" },
      { modality: "CT", bodyPart: "HEAD", rvu: 0.85, note: "" },
      { modality: "CT", bodyPart: null, rvu: 1, note: "" },
    ],
  };

  it("takes the row for modality and body part, else the modality's, else the default", () => {
    expect(workRvu(table, { modalities: ["ct"], bodyPart: "head" })).toBe(0.85);
    expect(workRvu(table, { modalities: ["CT"], bodyPart: "CHEST" })).toBe(1);
    expect(workRvu(table, { modalities: ["US"], bodyPart: "HEAD" })).toBe(0.5);
  });

  it("reads a CSV whose header has any case and spaces, skipping blank lines", () => {
    expect(parseRvuCsv(" Modality , Body_Part , RVU , Note \nct,head,0.85,70450\n\nmr,,2\n")).toEqual({
      ok: true,
      rows: [
        { modality: "CT", bodyPart: "HEAD", rvu: 0.85, note: "70450" },
        { modality: "MR", bodyPart: null, rvu: 2, note: "" },
      ],
    });
  });

  it("names every bad line, and needs both the modality and the rvu column", () => {
    expect(parseRvuCsv("modality,body_part,rvu\nCT,HEAD,\nMR,,abc\nCT,HEAD,0.9\nCT,head,1\n,,1\n")).toEqual({
      ok: false,
      errors: [
        'line 2: rvu "" is not a number',
        'line 3: rvu "abc" is not a number',
        "line 5: CT HEAD is already on line 4",
        expect.stringMatching(/^line 6: modality /),
      ],
    });
    const noColumns = { ok: false, errors: ["the first line must name the columns: modality,body_part,rvu,note"] };
    expect(parseRvuCsv("modality,body_part,cost\nCT,,1\n")).toEqual(noColumns);
    expect(parseRvuCsv("kind,body_part,rvu\nCT,,1\n")).toEqual(noColumns);
  });
});

// Who push assignment picks (lib/routing/assignment.ts), and the routing settings' own checks.
// Every expectation is worked out by hand from the rules in the functions' comments.
import { describe, expect, it } from "vitest";
import { bypassesCaps, chooseAssignee, type AssignableStudy, type Candidate } from "@/lib/routing/assignment";
import { routingConfigSchema, pushIsOn, ROUTING_OFF } from "@/lib/routing/routing-config";
import type { RoutingContext } from "@/lib/routing/eligibility";

const now = new Date("2026-12-03T10:00:00Z");
const ctx: RoutingContext = {
  config: routingConfigSchema.parse({
    groups: [
      { key: "body", label: "Body" },
      { key: "neuro", label: "Neuro" },
    ],
    defaultGroup: "body",
    assignment: "push",
  }),
  sites: new Map(),
  covered: new Set(["body|main", "neuro|main"]),
  now,
};

const study = (s: Partial<AssignableStudy> = {}): AssignableStudy => ({
  id: "s1",
  patientId: "P1",
  workRvu: 1.5,
  routedGroup: "body",
  sourceId: "main",
  modalities: ["CT"],
  bodyPart: "ABDOMEN",
  orderPriority: "ROUTINE",
  aiStatus: "negative",
  firstSeenAt: new Date("2026-12-03T09:50:00Z"),
  ...s,
});

const reader = (
  userId: string,
  c: Partial<Omit<Candidate, "reader">> & { group?: string; onDuty?: boolean } = {},
): Candidate => ({
  reader: {
    userId,
    name: userId,
    trainee: false,
    onDuty: c.onDuty ?? true,
    memberships: [{ group: c.group ?? "body", modalities: [], bodyParts: [] }],
    credentials: [],
  },
  capRvu: c.capRvu ?? null,
  shiftRvu: c.shiftRvu ?? 0,
  openRvu: c.openRvu ?? 0,
  readingSince: c.readingSince ?? null,
  pausable: c.pausable ?? null,
});

const at = (hhmm: string) => new Date(`2026-12-03T${hhmm}:00Z`);

describe("chooseAssignee", () => {
  it("nobody on duty and eligible: null, the study stays open to all", () => {
    expect(chooseAssignee(study(), [], ctx)).toBeNull();
    expect(
      chooseAssignee(study(), [reader("off", { onDuty: false }), reader("neuro-only", { group: "neuro" })], ctx),
    ).toBeNull();
  });

  it("routine: the least work this shift among those with room under their cap; ties by user id", () => {
    const readers = [
      reader("c", { shiftRvu: 3 }),
      reader("b", { shiftRvu: 2, capRvu: 4, openRvu: 2.5 }), // 2.5 + 1.5 = 4: exactly at the cap, allowed
      reader("a", { shiftRvu: 2 }),
      reader("d", { shiftRvu: 0.5, onDuty: false }),
    ];
    expect(chooseAssignee(study(), readers, ctx)).toEqual({ userId: "a", reason: "least work this shift" });
    expect(chooseAssignee(study(), readers.slice(0, 2), ctx)).toEqual({ userId: "b", reason: "least work this shift" });
    // 2.6 + 1.5 > 4: over the cap, so the busier c.
    const overCap = [reader("c", { shiftRvu: 3 }), reader("b", { shiftRvu: 2, capRvu: 4, openRvu: 2.6 })];
    expect(chooseAssignee(study(), overCap, ctx)).toEqual({ userId: "c", reason: "least work this shift" });
    // Everyone at their cap: nobody.
    expect(chooseAssignee(study(), [reader("b", { capRvu: 1, openRvu: 0 })], ctx)).toBeNull();
  });

  it("the same patient's reader first, whatever their load or cap", () => {
    const readers = [reader("light", { shiftRvu: 0 }), reader("busy", { shiftRvu: 9, capRvu: 1, openRvu: 1 })];
    expect(chooseAssignee(study(), readers, ctx, "busy")).toEqual({
      userId: "busy",
      reason: "same patient as their other open study",
    });
    // Not eligible (off duty): the usual choice instead.
    const offDuty = [reader("light"), reader("busy", { onDuty: false })];
    expect(chooseAssignee(study(), offDuty, ctx, "busy")).toEqual({ userId: "light", reason: "least work this shift" });
  });

  it("AI-critical and STAT ignore caps: a free reader with the least work, else the one on their case longest", () => {
    const critical = study({ aiStatus: "critical" });
    const readers = [
      reader("reading", { shiftRvu: 0, readingSince: at("09:30") }),
      reader("free-busy", { shiftRvu: 5, capRvu: 1, openRvu: 1 }),
      reader("free-light", { shiftRvu: 4, capRvu: 1, openRvu: 1 }),
    ];
    expect(chooseAssignee(critical, readers, ctx)).toEqual({
      userId: "free-light",
      reason: "urgent: free now, least work this shift",
    });
    const allReading = [
      reader("since-0940", { shiftRvu: 0, readingSince: at("09:40") }),
      reader("since-0920-b", { shiftRvu: 6, readingSince: at("09:20") }),
      reader("since-0920-a", { shiftRvu: 7, readingSince: at("09:20") }),
    ];
    expect(chooseAssignee(study({ orderPriority: "STAT" }), allReading, ctx)).toEqual({
      userId: "since-0920-b",
      reason: "urgent: everyone is reading; on their case longest",
    });
  });

  describe("interruptions allowed", () => {
    const on = { interruptions: true };
    const due = (hhmm: string, studyId = `case-${hhmm}`) => ({ studyId, dueAt: at(hhmm) });
    const busy = [
      reader("x-urgent-case", { readingSince: at("09:00") }), // reading something urgent: not pausable
      reader("y-due-1030", { readingSince: at("09:40"), pausable: due("10:30") }),
      reader("z-due-1200", { readingSince: at("09:50"), pausable: due("12:00", "z-case") }),
    ];

    it("asks the reader on the least urgent case (latest due time), naming the case to pause", () => {
      expect(chooseAssignee(study({ aiStatus: "critical" }), busy, ctx, null, on)).toEqual({
        userId: "z-due-1200",
        reason: "urgent: asked to interrupt a less urgent read",
        interrupts: "z-case",
      });
    });

    it("not a reader who declined this study; with nobody left to ask, the one on their case longest", () => {
      expect(
        chooseAssignee(study({ orderPriority: "STAT" }), busy, ctx, null, {
          ...on,
          declinedBy: new Set(["z-due-1200"]),
        }),
      ).toMatchObject({ userId: "y-due-1030", interrupts: "case-10:30" });
      expect(
        chooseAssignee(study({ orderPriority: "STAT" }), busy, ctx, null, {
          ...on,
          declinedBy: new Set(["z-due-1200", "y-due-1030"]),
        }),
      ).toEqual({ userId: "x-urgent-case", reason: "urgent: everyone is reading; on their case longest" });
    });

    it("equal due times: the least work this shift, then user id", () => {
      const tied = [
        reader("b", { shiftRvu: 2, readingSince: at("09:00"), pausable: due("11:00", "b-case") }),
        reader("a", { shiftRvu: 3, readingSince: at("09:00"), pausable: due("11:00", "a-case") }),
        reader("c", { shiftRvu: 2, readingSince: at("09:00"), pausable: due("11:00", "c-case") }),
      ];
      expect(chooseAssignee(study({ aiStatus: "critical" }), tied, ctx, null, on)?.userId).toBe("b");
    });

    it("never when a reader is free, for routine studies, when the site does not allow it, or off duty", () => {
      const free = [...busy, reader("free", { shiftRvu: 9 })];
      expect(chooseAssignee(study({ aiStatus: "critical" }), free, ctx, null, on)?.userId).toBe("free");
      expect(chooseAssignee(study(), busy, ctx, null, on)).toEqual({
        userId: "x-urgent-case",
        reason: "least work this shift",
      });
      expect(chooseAssignee(study({ aiStatus: "critical" }), busy, ctx)?.interrupts).toBeUndefined();
      const offDuty = [reader("off", { onDuty: false, readingSince: at("09:00"), pausable: due("13:00") })];
      expect(chooseAssignee(study({ aiStatus: "critical" }), [...busy, ...offDuty], ctx, null, on)?.userId).toBe(
        "z-due-1200",
      );
    });
  });

  it("only AI-critical and STAT bypass caps: AI-urgent and other priorities do not", () => {
    expect(bypassesCaps({ aiStatus: "critical", orderPriority: "ROUTINE" })).toBe(true);
    expect(bypassesCaps({ aiStatus: null, orderPriority: "STAT" })).toBe(true);
    expect(bypassesCaps({ aiStatus: "urgent", orderPriority: "HIGH" })).toBe(false);
    expect(bypassesCaps({ aiStatus: "negative", orderPriority: null })).toBe(false);
    const full = [reader("b", { capRvu: 1, openRvu: 1 })];
    expect(chooseAssignee(study({ aiStatus: "urgent" }), full, ctx)).toBeNull();
  });
});

describe("routing settings' checks", () => {
  const issues = (input: Record<string, unknown>) => {
    const r = routingConfigSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  };
  const groups = [
    { key: "body", label: "Body" },
    { key: "neuro", label: "Neuro" },
  ];

  it("names each problem where it is", () => {
    expect(issues({ groups: [...groups, { key: "body", label: "Body 2" }], defaultGroup: "body" })).toEqual([
      { path: "groups", message: 'the group key "body" is used twice' },
    ]);
    expect(
      issues({
        groups,
        defaultGroup: "body",
        rules: [
          { id: "r1", name: "CT", group: "body", modalities: ["CT"] },
          { id: "r1", name: "MR", group: "neuro", modalities: ["MR"] },
        ],
      }),
    ).toEqual([{ path: "rules", message: 'the rule id "r1" is used twice' }]);
    expect(issues({ groups })).toEqual([
      { path: "defaultGroup", message: "choose a default group (one of the groups) for studies no rule matches" },
    ]);
    expect(issues({ groups, defaultGroup: "chest" })).toEqual([
      { path: "defaultGroup", message: "choose a default group (one of the groups) for studies no rule matches" },
    ]);
    expect(issues({ groups, defaultGroup: "body", overflowGroup: "general" })).toEqual([
      { path: "overflowGroup", message: 'the overflow group "general" is not one of the groups' },
    ]);
    expect(issues({ groups, defaultGroup: "body", overflowGroup: "neuro" })).toEqual([]);
    expect(issues({})).toEqual([]);
  });

  it("push is on only with groups and the push setting", () => {
    const withGroups = routingConfigSchema.parse({ groups, defaultGroup: "body" });
    expect(pushIsOn({ ...withGroups, assignment: "push" })).toBe(true);
    expect(pushIsOn({ ...withGroups, assignment: "pull" })).toBe(false);
    expect(pushIsOn({ ...ROUTING_OFF, assignment: "push" })).toBe(false);
  });
});

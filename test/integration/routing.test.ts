import { beforeEach, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { saveSetting } from "@/server/core/settings";
import { refreshAllOpenPriorities, refreshPriorities } from "@/server/worklist/refresh-priority";
import { applyOrderToStudies } from "@/server/orders/imaging-orders";
import { listWorklist, countWorklist, worklistRowsById } from "@/server/worklist/list-worklist";
import { breakClaim, claimNextCase, claimStudy, markRead, renewClaim } from "@/server/worklist/claims";
import { readingScope } from "@/server/routing/reading-scope";
import { allReaderAccess, forgetCoverage, routingContext } from "@/server/routing/reader-access";
import { saveReaderProfile, setOnDuty, type ReaderProfileInput } from "@/server/routing/reader-profiles";
import { studyEligibility } from "@/server/routing/routing-settings";
import { eligibility } from "@/lib/routing/eligibility";
import { routingConfigSchema, ROUTING_OFF, type RoutingConfig } from "@/lib/routing/routing-config";
import { NO_FILTERS } from "@/lib/worklist-filters";
import { createCaller } from "@/server/api/root";
import type { CurrentUser } from "@/server/auth/current-user";

let main: string;
let north: string;
let admin: CurrentUser;
let n = 0;

const DAY = 24 * 60 * 60_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function routing(over: Partial<RoutingConfig> = {}): RoutingConfig {
  return routingConfigSchema.parse({
    groups: [
      { key: "neuro", label: "Neuro", overflowMinutes: 60 },
      { key: "body", label: "Body" },
      { key: "general", label: "General" },
    ],
    rules: [
      { id: "ct-head", name: "CT HEAD", group: "neuro", modalities: ["CT", "MR"], bodyParts: ["HEAD"] },
      { id: "body", name: "Abdomen", group: "body", bodyParts: ["ABDOMEN"] },
    ],
    defaultGroup: "general",
    overflowGroup: null,
    ...over,
  });
}

async function useRouting(config: RoutingConfig) {
  await saveSetting(testDb(), admin.id, "routing", config);
  await refreshAllOpenPriorities(testDb());
  forgetCoverage();
}

async function addStudy(
  f: {
    modalities?: string[];
    bodyPart?: string;
    sourceId?: string;
    minutesAgo?: number;
    orderPriority?: "STAT" | "ROUTINE";
    aiCritical?: boolean;
  } = {},
) {
  n += 1;
  const s = await testDb().study.create({
    data: {
      sourceId: f.sourceId ?? main,
      studyInstanceUid: `1.2.826.77.${n}`,
      accessionNumber: `R${n}`,
      modalities: f.modalities ?? ["CT"],
      bodyPart: f.bodyPart ?? "HEAD",
      orderPriority: f.orderPriority ?? "ROUTINE",
      patientLocation: "OUTPATIENT",
      firstSeenAt: new Date(Date.now() - (f.minutesAgo ?? 5) * 60_000),
      ...(f.aiCritical
        ? {
            aiStatus: "critical",
            aiFinding: "bleed",
            aiProbability: 0.9,
            aiModelId: "m",
            aiModelVersion: "1",
            scoredAt: new Date(),
          }
        : {}),
    },
  });
  await refreshPriorities(testDb(), [s.id]);
  return s;
}

async function reader(profile: Omit<ReaderProfileInput, "userId" | "capRvu">, onDuty = true) {
  const u = await makeUser(["radiologist"]);
  await saveReaderProfile(testDb(), admin.id, { userId: u.id, capRvu: null, ...profile });
  if (!onDuty) await setOnDuty(testDb(), admin.id, u.id, false);
  return u;
}
const member = (group: string, modalities: string[] = [], bodyParts: string[] = []) => ({
  group,
  modalities,
  bodyParts,
});

async function visibleTo(u: CurrentUser) {
  const scope = await readingScope(testDb(), u);
  const { rows } = await listWorklist(testDb(), u.id, { filters: NO_FILTERS, limit: 500, offset: 0, scope });
  return rows;
}

beforeEach(async () => {
  await resetDatabase();
  main = await makeOfflineSource();
  north = await makeOfflineSource();
  await testDb().pacsSource.update({ where: { id: north }, data: { credentialRequired: true } });
  admin = await makeUser(["admin"]);
  await saveSetting(testDb(), admin.id, "routing", ROUTING_OFF);
  forgetCoverage();
});

describe("routing on studies", () => {
  it("stores each open study's group and the rule that routed it; a rule change re-routes open studies", async () => {
    const head = await addStudy({ modalities: ["CT"], bodyPart: "HEAD" });
    const chest = await addStudy({ modalities: ["CR"], bodyPart: "CHEST" });
    const row = (id: string) =>
      testDb().study.findUniqueOrThrow({ where: { id }, select: { routedGroup: true, routeReason: true } });
    expect(await row(head.id)).toEqual({ routedGroup: "", routeReason: null });
    await useRouting(routing());
    expect(await row(head.id)).toEqual({ routedGroup: "neuro", routeReason: "Neuro: CT HEAD rule" });
    expect(await row(chest.id)).toEqual({
      routedGroup: "general",
      routeReason: "General: no rule matched (default group)",
    });
    await useRouting(
      routing({
        rules: [{ ...routing().rules[0]!, modalities: ["CR"], bodyParts: ["CHEST"], group: "body", name: "Chest" }],
      }),
    );
    expect(await row(head.id)).toMatchObject({ routedGroup: "general" });
    expect(await row(chest.id)).toEqual({ routedGroup: "body", routeReason: "Body: Chest rule" });
  });

  it("every rule kind routes real studies: modality and body part, description, procedure code from the RIS order, age, site, institution", async () => {
    await useRouting(
      routingConfigSchema.parse({
        groups: [
          { key: "neuro", label: "Neuro" },
          { key: "body", label: "Body" },
          { key: "paeds", label: "Paediatrics" },
          { key: "general", label: "General" },
        ],
        rules: [
          { id: "children", name: "Children", group: "paeds", belowAgeYears: 18 },
          { id: "ct-head", name: "CT HEAD", group: "neuro", modalities: ["CT"], bodyParts: ["HEAD"] },
          { id: "brain", name: "Brain words", group: "neuro", descriptionContains: ["brain"] },
          { id: "code", name: "CT abdomen code", group: "body", procedureCodes: ["74177"] },
          { id: "north", name: "North site", group: "body", sourceIds: [north] },
          { id: "mary", name: "St Mary's", group: "body", institutionContains: ["st mary"] },
        ],
        defaultGroup: "general",
      }),
    );
    const born = (years: number) => new Date(Date.now() - years * 365.25 * DAY - DAY);
    const make = async (f: {
      modality: string;
      bodyPart?: string | null;
      description?: string;
      age?: number;
      sourceId?: string;
      institutionName?: string;
    }) => {
      n += 1;
      const s = await testDb().study.create({
        data: {
          sourceId: f.sourceId ?? main,
          studyInstanceUid: `1.2.826.78.${n}`,
          accessionNumber: `K${n}`,
          modalities: [f.modality],
          bodyPart: f.bodyPart === undefined ? "CHEST" : f.bodyPart,
          description: f.description ?? null,
          patientBirthDate: born(f.age ?? 50),
          institutionName: f.institutionName ?? null,
          firstSeenAt: new Date(Date.now() - 60_000),
        },
      });
      await refreshPriorities(testDb(), [s.id]);
      return s;
    };
    const reason = async (id: string) =>
      (await testDb().study.findUniqueOrThrow({ where: { id }, select: { routeReason: true } })).routeReason;
    const head = await make({ modality: "CT", bodyPart: "HEAD" });
    const child = await make({ modality: "CT", bodyPart: "HEAD", age: 10 });
    const brain = await make({ modality: "MR", bodyPart: null, description: "MRI Brain w/o" });
    const abdomen = await make({ modality: "CT", bodyPart: "ABDOMEN" });
    const northern = await make({ modality: "CR", sourceId: north });
    const mary = await make({ modality: "CR", institutionName: "St Mary's Hospital, Paddington" });
    const elsewhere = await make({ modality: "CR", institutionName: "Royal Free Hospital" });
    expect(await reason(head.id)).toBe("Neuro: CT HEAD rule");
    expect(await reason(child.id)).toBe("Paediatrics: Children rule");
    expect(await reason(brain.id)).toBe("Neuro: Brain words rule");
    expect(await reason(abdomen.id)).toBe("General: no rule matched (default group)");
    expect(await reason(northern.id)).toBe("Body: North site rule");
    expect(await reason(mary.id)).toBe("Body: St Mary's rule");
    expect(await reason(elsewhere.id)).toBe("General: no rule matched (default group)");
    // The RIS's order for the abdomen CT arrives with its procedure code (lower case, as some send it).
    await testDb().imagingOrder.create({ data: { accessionNumber: abdomen.accessionNumber!, procedureCode: "74177" } });
    await applyOrderToStudies(testDb(), abdomen.accessionNumber!, "study arrived");
    expect(await reason(abdomen.id)).toBe("Body: CT abdomen code rule");
  });

  it("with routing off every radiologist sees every study", async () => {
    const a = await addStudy();
    const b = await addStudy({ modalities: ["CR"], bodyPart: "CHEST" });
    const r = await makeUser(["radiologist"]);
    expect((await visibleTo(r)).map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
  });
});

describe("eligibility: the SQL the worklist filters with says what lib/routing/eligibility says", () => {
  it("agrees over group × modality privilege × body part × site credential × expiry × trainee × duty × overflow", async () => {
    await useRouting(routing());
    const today = new Date();
    const readers = [
      await reader({ trainee: false, memberships: [member("neuro")], credentials: [] }),
      await reader({ trainee: false, memberships: [member("neuro", ["MR"])], credentials: [] }),
      await reader({ trainee: false, memberships: [member("neuro", [], ["SPINE"])], credentials: [] }),
      await reader({
        trainee: false,
        memberships: [member("neuro"), member("body")],
        credentials: [{ sourceId: north, expiresOn: isoDay(new Date(today.getTime() + 30 * DAY)) }],
      }),
      await reader({
        trainee: false,
        memberships: [member("body")],
        credentials: [{ sourceId: north, expiresOn: isoDay(new Date(today.getTime() - 2 * DAY)) }],
      }),
      await reader({ trainee: true, memberships: [member("neuro"), member("general")], credentials: [] }),
      await reader({ trainee: false, memberships: [member("general")], credentials: [] }, false),
      await reader({ trainee: false, memberships: [], credentials: [] }),
    ];
    const studies = [];
    for (const sourceId of [main, north])
      for (const [modalities, bodyPart] of [
        [["CT"], "HEAD"],
        [["MR"], "HEAD"],
        [["CT"], "ABDOMEN"],
        [["CR"], "CHEST"],
      ] as const)
        for (const extra of [{}, { orderPriority: "STAT" as const }, { aiCritical: true }, { minutesAgo: 90 }])
          studies.push(await addStudy({ sourceId, modalities: [...modalities], bodyPart, ...extra }));

    const ctx = await routingContext(testDb());
    const access = await allReaderAccess(testDb());
    const rows = await testDb().study.findMany({ where: { id: { in: studies.map((s) => s.id) } } });
    let eligiblePairs = 0;
    let overflowPairs = 0;
    for (const u of readers) {
      const a = access.find((x) => x.userId === u.id)!;
      const expected = rows
        .filter((s) => {
          const e = eligibility(a, s, ctx);
          if (e.eligible && e.via === "overflow") overflowPairs += 1;
          return e.eligible;
        })
        .map((s) => s.id)
        .sort();
      eligiblePairs += expected.length;
      expect((await visibleTo(u)).map((r) => r.id).sort(), `reader ${access.indexOf(a)}`).toEqual(expected);
      const scope = await readingScope(testDb(), u);
      expect((await countWorklist(testDb(), u.id, NO_FILTERS, new Date(), scope)).total).toBe(expected.length);
    }
    // Next case takes the top of the same eligible-only order (then the claim is broken again).
    for (const u of readers) {
      const top = (await visibleTo(u))[0]?.id;
      const got = await claimNextCase(testDb(), u, NO_FILTERS, new Date(), await readingScope(testDb(), u));
      expect("studyId" in got ? got.studyId : undefined).toBe(top);
      if ("studyId" in got) await breakClaim(testDb(), admin, got.studyId, "matrix test");
    }
    // The matrix is not trivially all or nothing, and overflow happens in it.
    expect(eligiblePairs).toBeGreaterThan(20);
    expect(eligiblePairs).toBeLessThan(readers.length * studies.length);
    expect(overflowPairs).toBeGreaterThan(0);
  });
});

describe("Next case and claims respect eligibility", () => {
  it("a neuro reader gets the head CT and never the chest radiograph; a general reader gets the chest radiograph", async () => {
    await useRouting(routing());
    const neuro = await reader({ trainee: false, memberships: [member("neuro")], credentials: [] });
    const general = await reader({ trainee: false, memberships: [member("general")], credentials: [] });
    // The chest radiograph is older (and STAT), so it is first in the unrouted order.
    const chest = await addStudy({ modalities: ["CR"], bodyPart: "CHEST", orderPriority: "STAT", minutesAgo: 30 });
    const head = await addStudy({ modalities: ["CT"], bodyPart: "HEAD", minutesAgo: 1 });
    const next = async (u: CurrentUser) =>
      claimNextCase(testDb(), u, NO_FILTERS, new Date(), await readingScope(testDb(), u));
    expect(await next(neuro)).toMatchObject({ studyId: head.id });
    await markRead(testDb(), neuro, head.id);
    expect(await next(neuro)).toEqual({ nothingLeft: true });
    expect(await next(general)).toMatchObject({ studyId: chest.id });
    const rows = await visibleTo(general);
    expect(rows[0]?.reasons[0]).toBe("General: no rule matched (default group)");
  });

  it("a trainee in no group may read nothing: an empty list, a zero count, nothing for Next case, every live change gone", async () => {
    await useRouting(routing());
    await reader({ trainee: false, memberships: [member("general"), member("neuro")], credentials: [] });
    const nobody = await reader({ trainee: true, memberships: [], credentials: [] });
    const head = await addStudy();
    const scope = await readingScope(testDb(), nobody);
    expect(await visibleTo(nobody)).toEqual([]);
    expect(await countWorklist(testDb(), nobody.id, NO_FILTERS, new Date(), scope)).toEqual({
      total: 0,
      capped: false,
    });
    expect(await claimNextCase(testDb(), nobody, NO_FILTERS, new Date(), scope)).toEqual({ nothingLeft: true });
    expect(await worklistRowsById(testDb(), nobody.id, [head.id], { filters: NO_FILTERS, scope })).toEqual({
      rows: [],
      gone: [head.id],
    });
  });

  it("claiming a study you are not eligible for is refused with the reason, through the API too", async () => {
    await useRouting(routing());
    const body = await reader({ trainee: false, memberships: [member("body")], credentials: [] });
    await reader({ trainee: false, memberships: [member("neuro")], credentials: [] });
    const head = await addStudy();
    const scope = await readingScope(testDb(), body);
    await expect(
      claimStudy(testDb(), body, head.id, { filters: NO_FILTERS, reason: "want it", scope }),
    ).rejects.toThrow("You are not eligible to read this study: not in the Neuro group.");
    const caller = createCaller({ db: testDb(), user: body });
    const refused = await caller.worklist.claim({ studyId: head.id, reason: "want it" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe("FORBIDDEN");
    expect((await testDb().study.findUniqueOrThrow({ where: { id: head.id } })).readingState).toBe("UNREAD");
  });

  it("a reader removed from a group keeps the claim they hold until it is read", async () => {
    await useRouting(routing());
    const neuro = await reader({ trainee: false, memberships: [member("neuro")], credentials: [] });
    const head = await addStudy();
    expect(
      await claimNextCase(testDb(), neuro, NO_FILTERS, new Date(), await readingScope(testDb(), neuro)),
    ).toMatchObject({
      studyId: head.id,
    });
    await saveReaderProfile(testDb(), admin.id, {
      userId: neuro.id,
      trainee: false,
      capRvu: null,
      memberships: [],
      credentials: [],
    });
    await renewClaim(testDb(), neuro, head.id);
    await markRead(testDb(), neuro, head.id);
    expect((await testDb().study.findUniqueOrThrow({ where: { id: head.id } })).readById).toBe(neuro.id);
  });
});

describe("overflow: nothing starves", () => {
  it("a group with nobody on duty overflows to the attendings at once, and says so", async () => {
    await useRouting(routing());
    const neuro = await reader({ trainee: false, memberships: [member("neuro")], credentials: [] });
    const general = await reader({ trainee: false, memberships: [member("general")], credentials: [] });
    const head = await addStudy();
    expect((await visibleTo(general)).map((r) => r.id)).not.toContain(head.id);
    await setOnDuty(testDb(), neuro.id, neuro.id, false);
    const row = (await visibleTo(general)).find((r) => r.id === head.id);
    expect(row?.reasons.slice(0, 2)).toEqual(["Neuro: CT HEAD rule", "overflow: no Neuro reader on duty"]);
    // The neuro reader, off duty, still sees their own group's study.
    expect((await visibleTo(neuro)).map((r) => r.id)).toContain(head.id);
  });

  it("a study waiting past its group's overflow time reaches the overflow group", async () => {
    await useRouting(routing({ overflowGroup: "body" }));
    await reader({ trainee: false, memberships: [member("neuro")], credentials: [] });
    const bodyReader = await reader({ trainee: false, memberships: [member("body")], credentials: [] });
    const general = await reader({ trainee: false, memberships: [member("general")], credentials: [] });
    const fresh = await addStudy({ minutesAgo: 59 });
    const old = await addStudy({ minutesAgo: 61 });
    expect((await visibleTo(bodyReader)).map((r) => r.id)).toEqual([old.id]);
    expect((await visibleTo(bodyReader))[0]?.reasons[1]).toBe("overflow: waiting over 60 min for Neuro");
    // The overflow group is named, so other attendings do not get it.
    expect((await visibleTo(general)).map((r) => r.id)).not.toContain(old.id);
    expect(fresh.id).not.toBe(old.id);
  });

  it("worst case: nobody on duty and every credential expired; the study shows to the overflow group and on the scheduler's list", async () => {
    await useRouting(routing({ overflowGroup: "general" }));
    const expired = [{ sourceId: north, expiresOn: "2020-01-01" }];
    const neuro = await reader({ trainee: false, memberships: [member("neuro")], credentials: expired }, false);
    const night = await reader({ trainee: false, memberships: [member("general")], credentials: expired }, false);
    const head = await addStudy({ sourceId: north });
    expect((await visibleTo(neuro)).map((r) => r.id)).toEqual([]);
    const row = (await visibleTo(night)).find((r) => r.id === head.id);
    expect(row?.reasons).toContain(
      "overflow: no Neuro reader on duty for " +
        (await testDb().pacsSource.findUniqueOrThrow({ where: { id: north } })).name,
    );
    const scheduler = await makeUser(["scheduler"]);
    const list = await createCaller({ db: testDb(), user: scheduler }).worklist.list({ limit: 50 });
    expect(list.rows.map((r) => r.id)).toContain(head.id);
    const who = await studyEligibility(testDb(), head.id);
    expect(who).toMatchObject({
      routing: true,
      group: "neuro",
      overflow: expect.stringContaining("no Neuro reader on duty"),
    });
    if (!who.routing) throw new Error("routing is on");
    expect(who.readers.find((r) => r.id === night.id)).toMatchObject({ eligible: true });
    expect(who.readers.find((r) => r.id === neuro.id)).toMatchObject({
      eligible: false,
      reason: expect.stringContaining("credential for"),
    });
  });
});

describe("bad input", () => {
  it("the API refuses a config without a default group and a profile naming an unknown group, saving nothing", async () => {
    const caller = createCaller({ db: testDb(), user: admin });
    const bad = await caller.routing.save({ ...routing(), defaultGroup: null }).catch((e: unknown) => e);
    expect((bad as TRPCError).code).toBe("BAD_REQUEST");
    expect((await caller.routing.get()).config.groups).toEqual([]);
    await caller.routing.save(routing());
    const r = await makeUser(["radiologist"]);
    const refused = await caller.routing
      .saveReader({ userId: r.id, trainee: false, capRvu: null, memberships: [member("msk")], credentials: [] })
      .catch((e: unknown) => e);
    expect((refused as Error).message).toContain('"msk" is not a reading group');
    expect(await testDb().readerGroupMembership.count({ where: { userId: r.id } })).toBe(0);
  });

  it("the admin page's problems name a rule whose group is gone and a rule that can never match", async () => {
    const caller = createCaller({ db: testDb(), user: admin });
    const saved = await caller.routing.save(
      routing({
        rules: [
          { ...routing().rules[0]! },
          {
            id: "msk",
            name: "MSK",
            group: "msk",
            modalities: ["MR"],
            bodyParts: [],
            descriptionContains: [],
            procedureCodes: [],
            minAgeYears: null,
            belowAgeYears: null,
            sourceIds: [],
            institutionContains: [],
          },
          { ...routing().rules[0]!, id: "again", name: "CT HEAD again" },
        ],
      }),
    );
    expect(saved.problems.map((p) => [p.ruleId, p.kind])).toEqual([
      ["msk", "unknown-group"],
      ["again", "never-matches"],
    ]);
    const audit = await testDb().auditEvent.findFirst({ where: { action: "settings.routing" } });
    expect(audit?.actorId).toBe(admin.id);
  });

  it("the admin page names an institution-name rule over a PACS that is not asked for institution names", async () => {
    const caller = createCaller({ db: testDb(), user: admin });
    const rules = [
      {
        ...routing().rules[0]!,
        id: "mary",
        name: "St Mary's",
        modalities: [],
        bodyParts: [],
        institutionContains: ["ST MARY"],
      },
    ];
    expect((await caller.routing.save(routing({ rules }))).problems).toEqual([]);
    await testDb().pacsSource.update({ where: { id: north }, data: { capabilities: { includeField: false } } });
    const northName = (await testDb().pacsSource.findUniqueOrThrow({ where: { id: north } })).name;
    const { problems } = await caller.routing.get();
    expect(problems.map((p) => [p.ruleId, p.kind])).toEqual([["mary", "no-institution-names"]]);
    expect(problems[0]!.message).toContain(`"${northName}"`);
  });
});

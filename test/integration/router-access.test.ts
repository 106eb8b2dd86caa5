import { beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { appRouter, createCaller } from "@/server/api/root";
import { ROLES, type RoleName } from "@/lib/roles";
import type { CurrentUser } from "@/server/auth/current-user";
import { makeUser, resetDatabase, testDb } from "../support/db";
import { createSource } from "@/server/pacs/pacs-sources";
import { DEFAULT_WORKLIST_RULES } from "@/server/core/settings";
import { DEFAULT_PRIORITY_CONFIG } from "@/lib/priority/sla";
import { ROUTING_OFF } from "@/lib/routing/routing-config";

const SCOPE = { from: "2026-11-01", to: "2026-11-28" };
import { STARTER_RVU_TABLE } from "@/lib/routing/rvu";
import { DEFAULT_DRIFT_BANDS } from "@/lib/models/drift";

type Call = (caller: ReturnType<typeof createCaller>) => Promise<unknown>;

let target: CurrentUser;
let sourceId: string;
let studyId: string;
let readStudyId: string;
let modelRowId: string;
let aiResultId: string;
let n = 0;

// Who may call what. A procedure missing here fails the completeness test below.
const ACCESS: Record<string, { roles: readonly RoleName[] | "signed-in"; call: Call }> = {
  "me.get": { roles: "signed-in", call: (c) => c.me.get() },
  "me.display": { roles: "signed-in", call: (c) => c.me.display() },
  "me.saveDisplay": { roles: "signed-in", call: (c) => c.me.saveDisplay({ theme: "system", density: "comfortable" }) },
  "me.active": { roles: "signed-in", call: (c) => c.me.active() },
  "users.list": { roles: ["admin"], call: (c) => c.users.list() },
  "users.create": {
    roles: ["admin"],
    call: (c) =>
      c.users.create({
        name: "New Person",
        email: `new${++n}@test.local`,
        password: "long-enough-pw",
        roles: ["chair"],
      }),
  },
  "users.setRoles": { roles: ["admin"], call: (c) => c.users.setRoles({ userId: target.id, roles: ["radiologist"] }) },
  "users.setDisabled": { roles: ["admin"], call: (c) => c.users.setDisabled({ userId: target.id, disabled: false }) },
  "audit.list": { roles: ["admin", "chair"], call: (c) => c.audit.list({ limit: 10 }) },
  "audit.search": { roles: ["admin", "chair"], call: (c) => c.audit.search({ search: { who: "all" } }) },
  "audit.actions": { roles: ["admin", "chair"], call: (c) => c.audit.actions() },
  "worklist.list": { roles: ["radiologist", "scheduler", "chair"], call: (c) => c.worklist.list({ limit: 10 }) },
  "settings.get": { roles: ["admin"], call: (c) => c.settings.get() },
  "settings.savePriority": { roles: ["admin"], call: (c) => c.settings.savePriority(DEFAULT_PRIORITY_CONFIG) },
  "settings.saveWorklistRules": { roles: ["admin"], call: (c) => c.settings.saveWorklistRules(DEFAULT_WORKLIST_RULES) },
  "whatIf.prefill": { roles: ["chair", "admin"], call: (c) => c.whatIf.prefill() },
  "worklist.count": { roles: ["radiologist", "scheduler", "chair"], call: (c) => c.worklist.count({}) },
  "worklist.savedFilters": { roles: ["radiologist", "scheduler", "chair"], call: (c) => c.worklist.savedFilters() },
  "worklist.workersOnline": { roles: ["radiologist", "scheduler", "chair"], call: (c) => c.worklist.workersOnline() },
  "worklist.saveFilters": {
    roles: ["radiologist", "scheduler", "chair"],
    call: (c) =>
      c.worklist.saveFilters({ modalities: [], bodyParts: [], priorities: [], locations: [], aiFlaggedOnly: false }),
  },
  "worklist.study": { roles: ["radiologist", "scheduler", "chair"], call: (c) => c.worklist.study({ studyId }) },
  // Next case on an empty pool answers "nothing left"; claim/skip/read need the caller's own claim,
  // so an allowed caller gets a CONFLICT from the service, which still proves it got past the role check.
  "worklist.nextCase": { roles: ["radiologist"], call: (c) => c.worklist.nextCase() },
  "worklist.claim": { roles: ["radiologist"], call: (c) => c.worklist.claim({ studyId: readStudyId }) },
  "worklist.renewClaim": { roles: ["radiologist"], call: (c) => c.worklist.renewClaim({ studyId }) },
  "worklist.skip": { roles: ["radiologist"], call: (c) => c.worklist.skip({ studyId, reason: "not mine" }) },
  "worklist.markRead": { roles: ["radiologist"], call: (c) => c.worklist.markRead({ studyId }) },
  "worklist.interruption": { roles: ["radiologist"], call: (c) => c.worklist.interruption() },
  "worklist.answerInterruption": {
    roles: ["radiologist"],
    call: (c) => c.worklist.answerInterruption({ id: "nope", accept: false }),
  },
  "worklist.openClaims": { roles: ["chair", "scheduler", "admin"], call: (c) => c.worklist.openClaims() },
  "worklist.breakClaim": {
    roles: ["chair", "scheduler", "admin"],
    call: (c) => c.worklist.breakClaim({ studyId, reason: "left for the day" }),
  },
  "worklist.setOverride": {
    roles: ["scheduler", "admin"],
    call: (c) => c.worklist.setOverride({ studyId, kind: "pin", reason: "surgeon waiting" }),
  },
  "worklist.clearOverride": { roles: ["scheduler", "admin"], call: (c) => c.worklist.clearOverride({ studyId }) },
  "worklist.events": {
    roles: ["radiologist", "scheduler", "chair"],
    call: async (c) => {
      const events = (await c.worklist.events()) as AsyncIterable<unknown>;
      const iterator = events[Symbol.asyncIterator]();
      // The role check runs before the first event: a refusal rejects at once; an
      // allowed caller is left waiting for events, so stop listening after a moment.
      await Promise.race([iterator.next(), new Promise((r) => setTimeout(r, 300))]);
      void iterator.return?.();
    },
  },
  "department.throughput": { roles: ["chair", "admin"], call: (c) => c.department.throughput({ windowHours: 24 }) },
  "department.aiAccuracy": { roles: ["chair", "admin"], call: (c) => c.department.aiAccuracy(SCOPE) },
  "department.slaTrend": { roles: ["chair", "admin"], call: (c) => c.department.slaTrend(SCOPE) },
  "department.turnaroundByStage": {
    roles: ["chair", "admin"],
    call: (c) => c.department.turnaroundByStage(SCOPE),
  },
  "department.readingByReader": { roles: ["chair", "admin"], call: (c) => c.department.readingByReader(SCOPE) },
  "department.readsByShift": { roles: ["chair", "admin"], call: (c) => c.department.readsByShift(SCOPE) },
  "department.hourlyLoad": { roles: ["chair", "admin"], call: (c) => c.department.hourlyLoad(SCOPE) },
  "department.chairOptions": { roles: ["chair", "admin"], call: (c) => c.department.chairOptions() },
  "department.forecast": { roles: ["scheduler", "chair", "admin"], call: (c) => c.department.forecast() },
  "department.forecastByGroup": {
    roles: ["scheduler", "chair", "admin"],
    call: (c) => c.department.forecastByGroup(),
  },
  "department.atRisk": { roles: ["scheduler", "chair", "admin"], call: (c) => c.department.atRisk({}) },
  "department.backlogCrossTab": { roles: ["scheduler", "chair", "admin"], call: (c) => c.department.backlogCrossTab() },
  "department.backlogCell": {
    roles: ["scheduler", "chair", "admin"],
    call: (c) => c.department.backlogCell({ modality: "CT", priority: "STAT", age: 0 }),
  },
  "department.backlog": { roles: ["scheduler", "chair", "admin"], call: (c) => c.department.backlog() },
  "aiModels.list": { roles: ["admin", "chair"], call: (c) => c.aiModels.list() },
  "aiModels.setMode": { roles: ["admin"], call: (c) => c.aiModels.setMode({ id: modelRowId, mode: "SHADOW" }) },
  "aiModels.shadowComparison": {
    roles: ["admin", "chair"],
    call: (c) => c.aiModels.shadowComparison({ id: modelRowId }),
  },
  "aiModels.validations": { roles: ["admin", "chair"], call: (c) => c.aiModels.validations({ id: modelRowId }) },
  "aiModels.validation": { roles: ["admin", "chair"], call: (c) => c.aiModels.validation({ validationId: "none" }) },
  "aiModels.drift": { roles: ["admin", "chair"], call: (c) => c.aiModels.drift() },
  "aiModels.daily": { roles: ["admin", "chair"], call: (c) => c.aiModels.daily({ id: modelRowId }) },
  "aiModels.driftBands": { roles: ["admin", "chair"], call: (c) => c.aiModels.driftBands() },
  "aiModels.saveDriftBands": {
    roles: ["admin"],
    call: (c) => c.aiModels.saveDriftBands(DEFAULT_DRIFT_BANDS),
  },
  "aiModels.startValidation": {
    roles: ["admin"],
    call: (c) =>
      c.aiModels.startValidation({
        id: modelRowId,
        labelsName: "labels.csv",
        csv: `StudyInstanceUID,label\n1.2.${++n},1\n`,
      }),
  },
  "aiModels.status": { roles: ["admin"], call: (c) => c.aiModels.status() },
  "aiModels.setEnabled": { roles: ["admin"], call: (c) => c.aiModels.setEnabled({ id: modelRowId, enabled: true }) },
  "aiModels.setThresholds": {
    roles: ["admin"],
    call: (c) => c.aiModels.setThresholds({ id: modelRowId, critical: 0.6, urgent: null }),
  },
  "worklist.aiFeedback": {
    roles: ["radiologist"],
    call: (c) => c.worklist.aiFeedback({ aiResultId, verdict: "confirmed" }),
  },
  "settings.rvu": { roles: ["admin"], call: (c) => c.settings.rvu() },
  "settings.saveRvu": { roles: ["admin"], call: (c) => c.settings.saveRvu(STARTER_RVU_TABLE) },
  "settings.importRvuCsv": {
    roles: ["admin"],
    call: (c) => c.settings.importRvuCsv({ csv: "modality,body_part,rvu\nCT,,1\n" }),
  },
  "routing.get": { roles: ["admin", "scheduler", "chair"], call: (c) => c.routing.get() },
  "routing.save": { roles: ["admin"], call: (c) => c.routing.save(ROUTING_OFF) },
  "routing.setCredentialRequired": {
    roles: ["admin"],
    call: (c) => c.routing.setCredentialRequired({ sourceId, required: false }),
  },
  "routing.readers": { roles: ["admin", "scheduler", "chair"], call: (c) => c.routing.readers() },
  "routing.saveReader": {
    roles: ["admin"],
    call: (c) =>
      c.routing.saveReader({
        userId: users.radiologist.id,
        trainee: false,
        capRvu: null,
        memberships: [],
        credentials: [],
      }),
  },
  "routing.setDuty": {
    roles: ["admin", "scheduler"],
    call: (c) => c.routing.setDuty({ userId: users.radiologist.id, onDuty: true }),
  },
  "routing.me": { roles: ["radiologist"], call: (c) => c.routing.me() },
  "hl7.status": { roles: ["admin"], call: (c) => c.hl7.status() },
  "hl7.refused": { roles: ["admin"], call: (c) => c.hl7.refused() },
  "routing.setMyDuty": { roles: ["radiologist"], call: (c) => c.routing.setMyDuty({ onDuty: true }) },
  // Nobody is eligible for the fixed study's group (routing is off there), and reassigning to nobody needs no eligibility.
  "routing.reassign": {
    roles: ["admin", "scheduler"],
    call: (c) => c.routing.reassign({ studyId, toUserId: null, reason: "rebalancing" }),
  },
  "routing.studyEligibility": {
    roles: ["admin", "scheduler", "chair"],
    call: (c) => c.routing.studyEligibility({ studyId }),
  },
  "routing.schedules": { roles: ["admin", "scheduler"], call: (c) => c.routing.schedules() },
  "routing.saveShifts": {
    roles: ["admin", "scheduler"],
    call: (c) => c.routing.saveShifts({ userId: users.radiologist.id, shifts: [] }),
  },
  "pacsSources.list": { roles: ["admin"], call: (c) => c.pacsSources.list() },
  "pacsSources.create": { roles: ["admin"], call: (c) => c.pacsSources.create(sourceSettings(`Source ${++n}`)) },
  "pacsSources.update": {
    roles: ["admin"],
    call: (c) => c.pacsSources.update({ id: sourceId, settings: sourceSettings("Fixed source") }),
  },
  "pacsSources.setEnabled": {
    roles: ["admin"],
    call: (c) => c.pacsSources.setEnabled({ id: sourceId, enabled: true }),
  },
  "pacsSources.syncNow": { roles: ["admin"], call: (c) => c.pacsSources.syncNow({ id: sourceId }) },
  // Port 9 on loopback: nothing listens, so the test answers at once with ok: false.
  "pacsSources.testConnection": { roles: ["admin"], call: (c) => c.pacsSources.testConnection({ id: sourceId }) },
};

function sourceSettings(name: string) {
  return {
    name,
    baseUrl: "http://127.0.0.1:9/dicom-web",
    authType: "none" as const,
    timeoutMs: 1000,
    capabilities: {},
    locationTag: "00380300",
    backfillDays: 1,
    syncIntervalSeconds: 60,
    enabled: false,
  };
}

const users = {} as Record<RoleName, CurrentUser>;

beforeAll(async () => {
  await resetDatabase();
  for (const role of ROLES) users[role] = await makeUser([role]);
  target = await makeUser(["scheduler"]);
  sourceId = (await createSource(testDb(), null, sourceSettings("Fixed source"))).id;
  studyId = (await testDb().study.create({ data: { sourceId, studyInstanceUid: "1.2.840.1" } })).id;
  readStudyId = (
    await testDb().study.create({ data: { sourceId, studyInstanceUid: "1.2.840.2", readingState: "READ" } })
  ).id;
  modelRowId = (
    await testDb().aiModel.create({
      data: {
        modelId: "ich-headct",
        version: "1.0.0",
        manifest: { outputs: [{ criticalThreshold: 0.5 }] },
        sha256: "0".repeat(64),
      },
    })
  ).id;
  aiResultId = (
    await testDb().aiResult.create({
      data: {
        studyId,
        modelId: "ich-headct",
        modelVersion: "1.0.0",
        studyRevision: 1,
        status: "SCORED",
        probability: 0.9,
        critical: true,
        finding: "intracranial-bleed",
      },
    })
  ).id;
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return ["UNAUTHORIZED", "FORBIDDEN"].includes(error.code) ? error.code : "OK";
    throw error;
  }
}

describe("every router × role", () => {
  it("covers every procedure of the app router", () => {
    expect(Object.keys(appRouter._def.procedures).sort()).toEqual(Object.keys(ACCESS).sort());
  });

  for (const [path, rule] of Object.entries(ACCESS)) {
    it(`${path}: anonymous gets UNAUTHORIZED`, async () => {
      expect(await codeOf(rule.call(createCaller({ db: testDb(), user: null })))).toBe("UNAUTHORIZED");
    });
    for (const role of ROLES) {
      const allowed = rule.roles === "signed-in" || rule.roles.includes(role);
      it(`${path}: ${role} ${allowed ? "is allowed" : "gets FORBIDDEN"}`, async () => {
        const code = await codeOf(rule.call(createCaller({ db: testDb(), user: users[role] })));
        // "OK" also covers an allowed caller whom the service then refused (CONFLICT, NOT_FOUND).
        expect(code).toBe(allowed ? "OK" : "FORBIDDEN");
      });
    }
  }

  it("a user with no role may only ask who they are", async () => {
    const nobody = await makeUser([]);
    const caller = createCaller({ db: testDb(), user: nobody });
    for (const [path, rule] of Object.entries(ACCESS)) {
      expect(await codeOf(rule.call(caller)), path).toBe(rule.roles === "signed-in" ? "OK" : "FORBIDDEN");
    }
  });
});

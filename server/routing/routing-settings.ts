import type { Db } from "../db/client";
import { recordAudit } from "../core/audit";
import { NotFoundError } from "../core/errors";
import { getRoutingConfig, saveSetting } from "../core/settings";
import { ruleProblems } from "@/lib/routing/rule-problems";
import { pacsCapabilitiesSchema } from "../pacs/source-config";
import { eligibility, overflowReason } from "@/lib/routing/eligibility";
import { pushIsOn, routingIsOn, type RoutingConfig } from "@/lib/routing/routing-config";
import { notifyWorklist } from "../core/worklist-events";
import { allReaderAccess, forgetCoverage, routingContext, sites } from "./reader-access";

/** The routing setting as the admin page edits it, with the sites and what is wrong with the rules. */
export async function getRouting(db: Db) {
  const [config, siteList, sources] = await Promise.all([
    getRoutingConfig(db, { fresh: true }),
    sites(db),
    db.pacsSource.findMany({ select: { id: true, name: true, capabilities: true }, orderBy: { name: "asc" } }),
  ]);
  // Sites whose PACS is not asked for InstitutionName (QIDO includefield off): no study of theirs has one.
  const withoutInstitutionNames = sources
    .filter((s) => !pacsCapabilitiesSchema.parse(s.capabilities ?? {}).includeField)
    .map((s) => ({ id: s.id, name: s.name }));
  return {
    config,
    sites: siteList,
    withoutInstitutionNames,
    problems: ruleProblems(
      config,
      siteList.map((s) => s.id),
      withoutInstitutionNames,
    ),
  };
}

/**
 * Saves groups and rules (audited, NOTIFY on the settings channel): workers re-route every
 * open study within seconds, as they recompute due times after an SLA change.
 */
export async function saveRouting(db: Db, actorId: string, config: RoutingConfig) {
  await saveSetting(db, actorId, "routing", config);
  // Studies of a group that is gone wait for the default group until the workers re-route them
  // (a reader's eligible walks only visit groups that exist; see routing/eligibility-sql.ts).
  const keys = config.groups.map((g) => g.key);
  await db.$executeRaw`
    UPDATE "Study" SET "routedGroup" = ''
     WHERE "dueAt" IS NOT NULL AND "routedGroup" <> '' AND "routedGroup" <> ALL(${keys}::text[])`;
  forgetCoverage();
  return getRouting(db);
}

/** Whether readers need a credential for the site to read its studies (audited). */
export async function setCredentialRequired(db: Db, actorId: string, sourceId: string, required: boolean) {
  const source = await db.pacsSource.findUnique({ where: { id: sourceId }, select: { name: true } });
  if (!source) throw new NotFoundError("PACS source", sourceId);
  await db.$transaction(async (tx) => {
    await tx.pacsSource.update({ where: { id: sourceId }, data: { credentialRequired: required } });
    await recordAudit(tx, {
      actorId,
      action: "source.credential-required",
      details: { sourceId, name: source.name, required },
    });
    await notifyWorklist(tx, { type: "routing", studyId: "" });
  });
  forgetCoverage();
}

/** For chairs, schedulers and admins: which group a study is routed to, whether it overflows, and who may read it and why. */
export async function studyEligibility(db: Db, studyId: string, now = new Date()) {
  const study = await db.study.findUnique({
    where: { id: studyId },
    select: {
      routedGroup: true,
      routeReason: true,
      assignedToId: true,
      sourceId: true,
      modalities: true,
      bodyPart: true,
      orderPriority: true,
      aiStatus: true,
      firstSeenAt: true,
    },
  });
  if (!study) throw new NotFoundError("Study", studyId);
  const ctx = await routingContext(db, now);
  if (!routingIsOn(ctx.config)) return { routing: false as const };
  const readers = await allReaderAccess(db);
  return {
    routing: true as const,
    push: pushIsOn(ctx.config),
    assignedTo: study.assignedToId,
    group: study.routedGroup,
    routeReason: study.routeReason,
    overflow: overflowReason(study, ctx),
    readers: readers.map((r) => {
      const e = eligibility(r, study, ctx);
      return { id: r.userId, name: r.name, onDuty: r.onDuty, eligible: e.eligible, reason: e.reason };
    }),
  };
}

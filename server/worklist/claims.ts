import { cachedPlan, hotQuery, type Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { WorklistFilters } from "@/lib/worklist-filters";
import { auditInsertSql, recordAudit } from "../core/audit";
import { ConflictError, InvalidRequestError, NotAllowedError, NotFoundError } from "../core/errors";
import { UNRESTRICTED, type ReadingScope } from "../routing/reading-scope";
import { eligibility, type EligibilityStudy } from "@/lib/routing/eligibility";
import { getWorklistRules } from "../core/settings";
import { notifyWorklist, WORKLIST_CHANNEL, type WorklistEvent } from "../core/worklist-events";
import { activeClaimSql, filterSql, orderedIdsSql, type Slices } from "./worklist-query";
import { duePartSql, MERGED_ORDER, pinnedPartsSql } from "./reading-order-sql";

const ONE = Prisma.raw("1");

type Actor = { id: string; name: string };

/** A read study drops out of the worklist's ordering indexes. */
const LEAVES_WORKLIST = { dueAt: null, pinnedAt: null, capAt: null } as const;
export type ClaimResult =
  { studyId: string; accessionNumber: string | null; alreadyHeld: boolean } | { nothingLeft: true };

// Free to claim: open, and nobody's heartbeat is fresh. (Unclaimed studies have no heartbeat;
// testing the heartbeat rather than readingState keeps the planner on the ordering indexes.)
const claimable = (now: Date, timeoutMinutes: number) =>
  Prisma.sql`(s."claimHeartbeatAt" IS NULL OR s."claimHeartbeatAt" < ${new Date(now.getTime() - timeoutMinutes * 60_000)})`;

async function heldClaim(db: Db | Prisma.TransactionClient, userId: string, now: Date, timeoutMinutes: number) {
  const [held] = await db.$queryRaw<{ id: string; accessionNumber: string | null }[]>`
    SELECT s.id, s."accessionNumber" FROM "Study" s WHERE s."claimedById" = ${userId} AND ${activeClaimSql(now, timeoutMinutes)}
     ORDER BY s."claimedAt" DESC LIMIT 1`;
  return held ?? null;
}

/**
 * The `audited` and `notified` steps of a one-statement study change: an audit event and a
 * worklist NOTIFY for each row the step named `changed` returns (by its `id`).
 */
function auditedAndNotified(
  changed: "claimed" | "done",
  e: { actorId: string; action: string; via: string; event: WorklistEvent["type"]; now: Date },
): Prisma.Sql {
  return Prisma.sql`audited AS (
      ${auditInsertSql(changed, { actorId: e.actorId, action: e.action, details: { via: e.via }, at: e.now })}
    ),
    notified AS (
      SELECT pg_notify(${WORKLIST_CHANNEL}, json_build_object('type', ${e.event}::text, 'studyId', "studyId")::text) FROM audited
    )`;
}

/**
 * "Next case": atomically claims the top unclaimed study matching the user's filters.
 * One statement does it all (held check, claim, audit event, NOTIFY), sent as a hotQuery:
 * a single round trip and little CPU keep claims fast when many readers press at once.
 *
 * The pick follows lib/priority's reading order (see orderedIdsSql) in its three parts, each
 * walking its own ordering index with LIMIT 1 FOR UPDATE SKIP LOCKED, the job-queue pattern:
 * the scan locks the first free row and stops, stepping over rows other presses hold locked
 * (so simultaneous presses take different studies) and re-checking rows claimed meanwhile.
 * The head of the AI/scheduler pins and the head of the passed wait caps are compared by
 * pin time; the due-time part is only walked when neither has a study. (When both heads
 * exist, the one not taken stays locked until this short transaction ends.)
 * It runs on a cached generic plan (hotQuery's `genericPlan`): planning a reader's walks cost
 * more than running them, so each reader shape (sites, privileges, groups and saved filters,
 * written in as literals) is planned once per pooled connection and only the clock and the
 * user's id are parameters.
 * A user already holding a case gets that case back rather than a second one: the newest, so
 * after an interruption (server/assignment/interruptions.ts) the urgent study comes first and
 * the paused case once it is read.
 *
 * The claim commits without waiting for its WAL flush (synchronous_commit off for this
 * transaction only): when twenty readers press at once their commits otherwise queue on
 * the disk. A claim is soft state that lapses on its own; if the database server itself
 * crashed within a fraction of a second of a claim, the claim and its audit row would be
 * lost together and the study simply be unclaimed again. Reads, skips, overrides and AI
 * results keep full durability.
 */
export async function claimNextCase(
  db: Db,
  user: Actor,
  filters: WorklistFilters,
  now = new Date(),
  scope?: ReadingScope,
): Promise<ClaimResult> {
  const rules = await getWorklistRules(db);
  // Tier by tier (push mode: the reader's own assignments, then what nobody has been assigned).
  for (const tier of (scope ?? UNRESTRICTED).tiers) {
    const [row] = await hotQuery<{ id: string; accessionNumber: string | null; alreadyHeld: boolean }>(
      db,
      cachedPlan(nextCaseSql(user, filters, rules.claimTimeoutMinutes, now, tier)),
      { genericPlan: true },
    );
    if (row) return { studyId: row.id, accessionNumber: row.accessionNumber, alreadyHeld: row.alreadyHeld };
  }
  return { nothingLeft: true as const };
}

/**
 * The Next case statement (exported for EXPLAIN in benchmarks). `slices`: the reader's
 * eligible studies per reading group (null: no routing restriction); each slice gets its own
 * pinned and due parts, and the due parts are only walked when no pinned part found a study.
 */
export function nextCaseSql(
  user: Actor,
  filters: WorklistFilters,
  timeoutMinutes: number,
  now: Date,
  slices: Slices = null,
): Prisma.Sql {
  const base = Prisma.sql`${claimable(now, timeoutMinutes)} AND ${filterSql(filters, user.id, now)} AND NOT EXISTS (SELECT 1 FROM held)`;
  const walks = slices === null ? [base] : slices.map((slice) => Prisma.sql`${base} AND ${slice}`);
  const pinned = walks.flatMap((w, i) =>
    pinnedPartsSql(w, now, { limit: ONE, lock: true }).map((p) => ({ name: Prisma.raw(`${p.part}_${i}`), sql: p.sql })),
  );
  const noPin = pinned.length
    ? Prisma.join(
        pinned.map((p) => Prisma.sql`NOT EXISTS (SELECT 1 FROM ${p.name})`),
        " AND ",
      )
    : Prisma.sql`true`;
  const due = walks.map((w, i) => ({
    name: Prisma.raw(`due_${i}`),
    sql: duePartSql(w, now, { limit: ONE, lock: true, also: noPin }),
  }));
  const parts = [...pinned, ...due];
  const candidates = parts.length
    ? Prisma.join(
        parts.map((p) => Prisma.sql`SELECT * FROM ${p.name}`),
        " UNION ALL ",
      )
    : Prisma.sql`SELECT NULL::text AS id, NULL::timestamp AS pin WHERE false`;
  return Prisma.sql`
    WITH held AS (
      SELECT s.id, s."accessionNumber" FROM "Study" s WHERE s."claimedById" = ${user.id} AND ${activeClaimSql(now, timeoutMinutes)}
       ORDER BY s."claimedAt" DESC LIMIT 1
    ),
    ${
      parts.length
        ? Prisma.sql`${Prisma.join(
            parts.map((p) => Prisma.sql`${p.name} AS (${p.sql})`),
            ",\n    ",
          )},`
        : Prisma.empty
    }
    chosen AS (
      SELECT id FROM (${candidates}) c
       ORDER BY ${parts.length ? MERGED_ORDER : Prisma.sql`id`} LIMIT 1
    ),
    claimed AS (
      UPDATE "Study" t SET "readingState" = 'CLAIMED', "claimedById" = ${user.id}, "claimedAt" = ${now}, "claimHeartbeatAt" = ${now}, "updatedAt" = ${now}
      FROM chosen WHERE t.id = chosen.id
      RETURNING t.id, t."accessionNumber"
    ),
    ${auditedAndNotified("claimed", { actorId: user.id, action: "study.claim", via: "next-case", event: "claimed", now })},
    soft_commit AS (SELECT set_config('synchronous_commit', 'off', true) FROM audited)
    SELECT c.id, c."accessionNumber", false AS "alreadyHeld" FROM claimed c
     WHERE (SELECT count(*) FROM notified) >= 0 AND (SELECT count(*) FROM soft_commit) >= 0
    UNION ALL
    SELECT h.id, h."accessionNumber", true AS "alreadyHeld" FROM held h`;
}

/** Claims a study picked from the list: free within the top N of the user's list, otherwise only with a reason. */
export async function claimStudy(
  db: Db,
  user: Actor,
  studyId: string,
  input: { filters: WorklistFilters; reason?: string; scope?: ReadingScope },
  now = new Date(),
) {
  const rules = await getWorklistRules(db);
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<
      ({
        id: string;
        readingState: string;
        claimedById: string | null;
        claimHeartbeatAt: Date | null;
        assignedToId: string | null;
      } & EligibilityStudy)[]
    >`
      SELECT id, "readingState", "claimedById", "claimHeartbeatAt", "assignedToId", "routedGroup", "sourceId", modalities, "bodyPart",
             "orderPriority"::text AS "orderPriority", "aiStatus"::text AS "aiStatus", "firstSeenAt"
        FROM "Study" WHERE id = ${studyId} FOR UPDATE`;
    if (!row) throw new NotFoundError("Study", studyId);
    if (row.readingState === "READ") throw new ConflictError("This study has already been read.");
    if (row.readingState === "CANCELLED")
      throw new ConflictError("The RIS cancelled this study's order; it is off the worklist.");
    const scope = input.scope;
    if (scope?.reader) {
      const e = eligibility(scope.reader, row, scope.ctx);
      if (!e.eligible) throw new NotAllowedError(`You are not eligible to read this study: ${e.reason}.`);
      if (row.assignedToId && row.assignedToId !== user.id)
        throw new NotAllowedError("This study is assigned to another reader; a scheduler can reassign it.");
    }
    const active =
      row.readingState === "CLAIMED" &&
      row.claimHeartbeatAt &&
      row.claimHeartbeatAt.getTime() >= now.getTime() - rules.claimTimeoutMinutes * 60_000;
    if (active && row.claimedById === user.id) return { studyId, alreadyHeld: true };
    if (active) throw new ConflictError("Another radiologist has this study open.");
    const held = await heldClaim(tx, user.id, now, rules.claimTimeoutMinutes);
    if (held)
      throw new ConflictError(
        `You already have ${held.accessionNumber ?? "a study"} open: mark it read or skip it first.`,
      );
    const top: { id: string }[] = [];
    for (const tier of (input.scope ?? UNRESTRICTED).tiers) {
      if (top.length >= rules.claimTopN) break;
      top.push(
        ...(await tx.$queryRaw<{ id: string }[]>(
          orderedIdsSql(
            Prisma.sql`${claimable(now, rules.claimTimeoutMinutes)} AND ${filterSql(input.filters, user.id, now)}`,
            now,
            rules.claimTopN - top.length,
            tier,
          ),
        )),
      );
    }
    const inTop = top.some((t) => t.id === studyId);
    const reason = input.reason?.trim();
    if (!inTop && !reason)
      throw new InvalidRequestError(
        `This study is not among the top ${rules.claimTopN} of your list; give a reason to read it out of order.`,
      );
    await tx.study.update({
      where: { id: studyId },
      data: { readingState: "CLAIMED", claimedById: user.id, claimedAt: now, claimHeartbeatAt: now },
    });
    await recordAudit(tx, {
      actorId: user.id,
      action: inTop ? "study.claim" : "study.claim-out-of-order",
      studyId,
      details: inTop ? { via: "list" } : { via: "list", reason },
    });
    await notifyWorklist(tx, { type: "claimed", studyId });
    return { studyId, alreadyHeld: false };
  });
}

async function requireOwnClaim(tx: Prisma.TransactionClient, userId: string, studyId: string) {
  const study = await tx.study.findUnique({
    where: { id: studyId },
    select: { readingState: true, claimedById: true, dueAt: true },
  });
  if (!study) throw new NotFoundError("Study", studyId);
  if (study.readingState === "READ") throw new ConflictError("This study has already been read.");
  if (study.readingState === "CANCELLED")
    throw new ConflictError("The RIS cancelled this study's order; it is off the worklist.");
  if (study.readingState !== "CLAIMED" || study.claimedById !== userId)
    throw new ConflictError("You no longer hold this study: your claim lapsed or was released.");
  return study;
}

/**
 * Keeps the claim alive while the case is open, and any other case this reader still holds:
 * one they paused to read an urgent study stays theirs while they work.
 */
export async function renewClaim(db: Db, user: Actor, studyId: string, now = new Date()) {
  const rules = await getWorklistRules(db);
  return db.$transaction(async (tx) => {
    await requireOwnClaim(tx, user.id, studyId);
    await tx.study.update({ where: { id: studyId }, data: { claimHeartbeatAt: now } });
    await tx.study.updateMany({
      where: {
        claimedById: user.id,
        readingState: "CLAIMED",
        id: { not: studyId },
        claimHeartbeatAt: { gte: new Date(now.getTime() - rules.claimTimeoutMinutes * 60_000) },
      },
      data: { claimHeartbeatAt: now },
    });
    return { studyId, renewedAt: now };
  });
}

/** "Skip": releases the claim with a reason and hides the study from this user for a while. */
export async function skipStudy(db: Db, user: Actor, studyId: string, reason: string, now = new Date()) {
  const rules = await getWorklistRules(db);
  return db.$transaction(async (tx) => {
    await requireOwnClaim(tx, user.id, studyId);
    await tx.study.update({
      where: { id: studyId },
      data: { readingState: "UNREAD", claimedById: null, claimedAt: null, claimHeartbeatAt: null },
    });
    const until = new Date(now.getTime() + rules.skipHideMinutes * 60_000);
    await tx.studySkip.create({ data: { studyId, userId: user.id, reason, at: now, until } });
    await recordAudit(tx, {
      actorId: user.id,
      action: "study.skip",
      studyId,
      details: { reason, hiddenUntil: until.toISOString() },
    });
    await notifyWorklist(tx, { type: "released", studyId });
    return { studyId, hiddenUntil: until };
  });
}

/** A chair or admin frees a study someone holds (e.g. they left for the day). */
export async function breakClaim(db: Db, actor: Actor, studyId: string, reason: string) {
  return db.$transaction(async (tx) => {
    const study = await tx.study.findUnique({
      where: { id: studyId },
      select: { readingState: true, claimedById: true },
    });
    if (!study) throw new NotFoundError("Study", studyId);
    if (study.readingState !== "CLAIMED") throw new ConflictError("Nobody holds this study.");
    await tx.study.update({
      where: { id: studyId },
      data: { readingState: "UNREAD", claimedById: null, claimedAt: null, claimHeartbeatAt: null },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "study.claim-broken",
      studyId,
      details: { reason, heldBy: study.claimedById },
    });
    await notifyWorklist(tx, { type: "released", studyId });
    return { studyId };
  });
}

/**
 * Completes the case: only the radiologist holding it may mark it read here. Half of every
 * case, so, like Next case, one statement sent as a hotQuery (the row lock, the read, the audit
 * event and the NOTIFY): through Prisma's interactive transaction it took ~5 ms of CPU.
 */
export async function markRead(db: Db, user: Actor, studyId: string, now = new Date()) {
  const [row] = await hotQuery<{ readingState: string; claimedById: string | null; done: boolean }>(
    db,
    cachedPlan(Prisma.sql`
    WITH target AS (
      SELECT id, "readingState", "claimedById", "dueAt" FROM "Study" WHERE id = ${studyId} FOR UPDATE
    ),
    done AS (
      UPDATE "Study" t SET "readingState" = 'READ', "readById" = ${user.id}, "readAt" = ${now}, "dueAtWhenRead" = target."dueAt",
             "claimHeartbeatAt" = NULL, "dueAt" = NULL, "pinnedAt" = NULL, "capAt" = NULL, "updatedAt" = ${now}
        FROM target WHERE t.id = target.id AND target."readingState" = 'CLAIMED' AND target."claimedById" = ${user.id}
      RETURNING t.id
    ),
    ${auditedAndNotified("done", { actorId: user.id, action: "study.read", via: "worklist", event: "read", now })}
    SELECT target."readingState", target."claimedById", EXISTS (SELECT 1 FROM done) AS done FROM target
     WHERE (SELECT count(*) FROM notified) >= 0`),
  );
  if (!row) throw new NotFoundError("Study", studyId);
  if (row.done) return { studyId, readAt: now };
  if (row.readingState === "READ") throw new ConflictError("This study has already been read.");
  if (row.readingState === "CANCELLED")
    throw new ConflictError("The RIS cancelled this study's order; it is off the worklist.");
  throw new ConflictError("You no longer hold this study: your claim lapsed or was released.");
}

/** Reading usually ends in the RIS or reporting system: it marks studies read by accession number. */
export async function markReadByAccession(db: Db, accessionNumber: string, now = new Date()) {
  return db.$transaction(async (tx) => {
    const marked = await markAccessionRead(tx, accessionNumber, "ris", now);
    if (marked === 0 && !(await tx.study.count({ where: { accessionNumber } })))
      throw new NotFoundError("Accession", accessionNumber);
    return { accessionNumber, marked };
  });
}

/**
 * Marks the open studies of an accession read, in the caller's transaction (the RIS endpoint, an
 * HL7 final report or completed order); `via` says which in the audit. Returns how many.
 */
export async function markAccessionRead(
  tx: Prisma.TransactionClient,
  accessionNumber: string,
  via: string,
  now = new Date(),
  details: Record<string, string> = {},
): Promise<number> {
  const studies = await tx.study.findMany({
    where: { accessionNumber, readingState: { in: ["UNREAD", "CLAIMED"] } },
    select: { id: true, claimedById: true, dueAt: true },
  });
  for (const s of studies) {
    await tx.study.update({
      where: { id: s.id },
      data: {
        readingState: "READ",
        readAt: now,
        readById: s.claimedById,
        dueAtWhenRead: s.dueAt,
        claimHeartbeatAt: null,
        ...LEAVES_WORKLIST,
      },
    });
    await recordAudit(tx, {
      actorId: null,
      action: "study.read",
      studyId: s.id,
      details: { via, accessionNumber, ...details },
    });
    await notifyWorklist(tx, { type: "read", studyId: s.id });
  }
  return studies.length;
}

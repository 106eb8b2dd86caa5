import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { recordAudit } from "../core/audit";
import { ConflictError, NotFoundError } from "../core/errors";
import { getWorklistRules } from "../core/settings";
import { notifyWorklist } from "../core/worklist-events";

/**
 * Push assignment with interruptions allowed (routing config `interruptions`): when every
 * eligible reader is busy, an AI-critical or STAT study is assigned to a reader on a less urgent
 * case and asks them to interrupt it (lib/routing/assignment.ts chooses whom; the round in
 * assign-studies.ts asks). Accepting opens the urgent study and keeps the paused case theirs:
 * its claim stays with them, kept alive while they read (renewClaim renews all their claims),
 * and Next case gives it back once the urgent one is read or skipped. Declining, or not
 * answering within ANSWER_SECONDS, hands the study back out and it is not asked of them again.
 */
export const ANSWER_SECONDS = 120;

type Tx = Prisma.TransactionClient;

/** Whether a claim's heartbeat counts as someone reading now. */
const freshSince = (now: Date, timeoutMinutes: number) => new Date(now.getTime() - timeoutMinutes * 60_000);

/**
 * Closes open questions the round no longer needs (inside its transaction): withdrawn when the
 * study no longer waits for that reader (read, cancelled, reassigned, taken by someone) or the
 * reader no longer holds the case it would pause (they are free: it stays theirs), expired
 * when the reader has not answered in time, which hands the study back out. Audited.
 */
export async function closeStaleInterruptions(tx: Tx, now: Date, claimTimeoutMinutes: number) {
  // Most rounds have no open question: one look at the open-questions index and done.
  const open = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "ReadingInterruption" WHERE answer IS NULL LIMIT 1`;
  if (open.length === 0) return { withdrawn: 0, expired: 0 };
  const fresh = freshSince(now, claimTimeoutMinutes);
  const withdrawn = await tx.$queryRaw<{ studyId: string; readerId: string; why: string }[]>`
    UPDATE "ReadingInterruption" i SET answer = 'withdrawn', "answeredAt" = ${now}
      FROM "Study" s, "Study" p
     WHERE i.answer IS NULL AND s.id = i."studyId" AND p.id = i."pausedStudyId"
       AND (s."dueAt" IS NULL OR s."assignedToId" IS DISTINCT FROM i."readerId"
            OR (s."readingState" = 'CLAIMED' AND s."claimHeartbeatAt" >= ${fresh})
            OR p."readingState" <> 'CLAIMED' OR p."claimedById" IS DISTINCT FROM i."readerId")
    RETURNING i."studyId", i."readerId",
              CASE WHEN s."dueAt" IS NULL OR s."assignedToId" IS DISTINCT FROM i."readerId"
                     OR (s."readingState" = 'CLAIMED' AND s."claimHeartbeatAt" >= ${fresh})
                   THEN 'the study no longer waits for them'
                   ELSE 'they finished or left the case it would have paused: the study stays theirs, first in their list' END AS why`;
  for (const w of withdrawn)
    await recordAudit(tx, {
      actorId: null,
      action: "study.interrupt-withdrawn",
      studyId: w.studyId,
      details: { readerId: w.readerId, why: w.why },
    });
  const expired = await tx.$queryRaw<{ studyId: string; readerId: string }[]>`
    UPDATE "ReadingInterruption" SET answer = 'expired', "answeredAt" = ${now}
     WHERE answer IS NULL AND "askedAt" < ${new Date(now.getTime() - ANSWER_SECONDS * 1000)}
    RETURNING "studyId", "readerId"`;
  for (const e of expired)
    await handBackAsked(tx, e.studyId, e.readerId, { action: "study.interrupt-expired", actorId: null }, now);
  return { withdrawn: withdrawn.length, expired: expired.length };
}

/** The asked study goes back to nobody (the next round assigns it again), audited and live. */
async function handBackAsked(
  tx: Tx,
  studyId: string,
  readerId: string,
  audit: { action: string; actorId: string | null; details?: Record<string, string> },
  now: Date,
) {
  await tx.study.updateMany({
    where: { id: studyId, assignedToId: readerId, dueAt: { not: null } },
    data: { assignedToId: null, assignedAt: null, updatedAt: now },
  });
  await recordAudit(tx, {
    actorId: audit.actorId,
    action: audit.action,
    studyId,
    details: { readerId, ...audit.details },
  });
  await notifyWorklist(tx, { type: "assigned", studyId });
}

/** Readers who declined or let lapse being interrupted for these studies: they are not asked again. */
export async function declinedReaders(tx: Tx, studyIds: string[]): Promise<Map<string, Set<string>>> {
  const byStudy = new Map<string, Set<string>>();
  if (!studyIds.length) return byStudy;
  const rows = await tx.$queryRaw<{ studyId: string; readerId: string }[]>`
    SELECT "studyId", "readerId" FROM "ReadingInterruption"
     WHERE "studyId" = ANY(${studyIds}::text[]) AND answer IN ('declined', 'expired')`;
  for (const r of rows) byStudy.set(r.studyId, (byStudy.get(r.studyId) ?? new Set()).add(r.readerId));
  return byStudy;
}

/** Records the questions a round asks (their studies were just assigned to the readers asked), audited. */
export async function askToInterrupt(
  tx: Tx,
  asks: { studyId: string; readerId: string; pausedStudyId: string }[],
  now: Date,
) {
  for (const a of asks) {
    await tx.readingInterruption.create({ data: { ...a, askedAt: now } });
    await recordAudit(tx, {
      actorId: null,
      action: "study.interrupt-asked",
      studyId: a.studyId,
      details: { readerId: a.readerId, pausedStudyId: a.pausedStudyId },
    });
  }
}

/** The question waiting for this reader, with what it is about, or null. */
export async function pendingInterruption(db: Db, userId: string) {
  const ask = await db.readingInterruption.findFirst({
    where: { readerId: userId, answer: null },
    select: {
      id: true,
      askedAt: true,
      study: {
        select: {
          id: true,
          accessionNumber: true,
          description: true,
          modalities: true,
          orderPriority: true,
          aiStatus: true,
          aiFinding: true,
          patientLocation: true,
          dueAt: true,
          assignedToId: true,
        },
      },
      pausedStudy: {
        select: { id: true, accessionNumber: true, description: true, readingState: true, claimedById: true },
      },
    },
  });
  // Until the next round closes it, a question whose study went elsewhere, or whose case the
  // reader has finished, is not shown.
  if (!ask || ask.study.dueAt === null || ask.study.assignedToId !== userId) return null;
  if (ask.pausedStudy.readingState !== "CLAIMED" || ask.pausedStudy.claimedById !== userId) return null;
  const { dueAt: _d, assignedToId: _a, ...study } = ask.study;
  return {
    id: ask.id,
    askedAt: ask.askedAt,
    answerBy: new Date(ask.askedAt.getTime() + ANSWER_SECONDS * 1000),
    study,
    paused: {
      id: ask.pausedStudy.id,
      accessionNumber: ask.pausedStudy.accessionNumber,
      description: ask.pausedStudy.description,
    },
  };
}

/**
 * The reader answers. Accepting claims the urgent study for them (their paused case stays
 * claimed by them); declining hands it back out. Both audited; refused when the question is no
 * longer open or the study no longer waits for them.
 */
export async function answerInterruption(
  db: Db,
  user: { id: string },
  interruptionId: string,
  accept: boolean,
  now = new Date(),
): Promise<{ studyId: string; accepted: boolean; pausedStudyId: string }> {
  const rules = await getWorklistRules(db);
  const gone = "The urgent study no longer waits for you: it was read, reassigned or opened by someone else.";
  // The refusal for a study that went elsewhere is thrown after the commit, so "withdrawn" is kept.
  const answered = await db.$transaction(async (tx) => {
    const [ask] = await tx.$queryRaw<
      { id: string; studyId: string; readerId: string; pausedStudyId: string; answer: string | null }[]
    >`SELECT id, "studyId", "readerId", "pausedStudyId", answer FROM "ReadingInterruption" WHERE id = ${interruptionId} FOR UPDATE`;
    if (!ask || ask.readerId !== user.id) throw new NotFoundError("Interruption request", interruptionId);
    if (ask.answer !== null)
      throw new ConflictError(
        ask.answer === "expired"
          ? "This request lapsed: it was not answered in time and the study went back out."
          : `This request is closed (${ask.answer}).`,
      );
    const [study] = await tx.$queryRaw<
      { dueAt: Date | null; readingState: string; claimHeartbeatAt: Date | null; assignedToId: string | null }[]
    >`SELECT "dueAt", "readingState", "claimHeartbeatAt", "assignedToId" FROM "Study" WHERE id = ${ask.studyId} FOR UPDATE`;
    const takenNow =
      study?.readingState === "CLAIMED" &&
      !!study.claimHeartbeatAt &&
      study.claimHeartbeatAt >= freshSince(now, rules.claimTimeoutMinutes);
    if (!study || study.dueAt === null || study.assignedToId !== user.id || takenNow) {
      await tx.readingInterruption.update({ where: { id: ask.id }, data: { answer: "withdrawn", answeredAt: now } });
      return null;
    }
    await tx.readingInterruption.update({
      where: { id: ask.id },
      data: { answer: accept ? "accepted" : "declined", answeredAt: now },
    });
    if (!accept) {
      await handBackAsked(
        tx,
        ask.studyId,
        user.id,
        { action: "study.interrupt-declined", actorId: user.id, details: { pausedStudyId: ask.pausedStudyId } },
        now,
      );
      return { studyId: ask.studyId, accepted: false, pausedStudyId: ask.pausedStudyId };
    }
    await tx.study.update({
      where: { id: ask.studyId },
      data: { readingState: "CLAIMED", claimedById: user.id, claimedAt: now, claimHeartbeatAt: now },
    });
    await recordAudit(tx, {
      actorId: user.id,
      action: "study.interrupt-accepted",
      studyId: ask.studyId,
      details: { pausedStudyId: ask.pausedStudyId },
    });
    await recordAudit(tx, {
      actorId: user.id,
      action: "study.claim",
      studyId: ask.studyId,
      details: { via: "interruption" },
    });
    await notifyWorklist(tx, { type: "claimed", studyId: ask.studyId });
    return { studyId: ask.studyId, accepted: true, pausedStudyId: ask.pausedStudyId };
  });
  if (!answered) throw new ConflictError(gone);
  return answered;
}

import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { auditInsertSql } from "../core/audit";
import { getRoutingConfig, getWorklistRules } from "../core/settings";
import { WORKLIST_CHANNEL } from "../core/worklist-events";
import { readingOrderBySql } from "../worklist/reading-order-sql";
import { bypassesCaps, chooseAssignee, type AssignableStudy, type Candidate } from "@/lib/routing/assignment";
import { eligibility } from "@/lib/routing/eligibility";
import { pushIsOn } from "@/lib/routing/routing-config";
import { DUTY_OFF_ACTIONS, DUTY_ON_ACTIONS } from "@/lib/routing/shifts";
import { cachedReaders, forgetCoverage, routingContext } from "../routing/reader-access";
import { askToInterrupt, closeStaleInterruptions, declinedReaders } from "./interruptions";

/** Only one process assigns at a time (a transaction-scoped advisory lock), so loads and caps hold. */
const ASSIGN_LOCK = 52_817_003;
/**
 * "This shift", for balancing: since the reader last went on duty (their switch or their
 * schedule's shift starting, as audited), and at most the last SHIFT_HOURS (a reader on duty
 * longer, or never switched, counts that long).
 */
export const SHIFT_HOURS = 12;
/** How many waiting studies one round reads at a time (most urgent first), and how far down it looks. */
const ROUND = 200;
const MAX_LOOK = 5_000;
/** Loads are re-read from the database this often; in between this process keeps them up to date itself. */
const LOADS_MS = 30_000;

type Loads = Map<string, { shiftRvu: number; openRvu: number }>;
let loads: { at: number; byReader: Loads } | null = null;
/** Studies no reader could take, and when that was found: later rounds skip them for a while. */
const unplaceable = new Map<string, number>();
const UNPLACEABLE_MS = 30_000;

/** Forget the cached loads and the studies nobody could take (tests; after readers or rules change). */
export function forgetLoads() {
  loads = null;
  unplaceable.clear();
}

async function readLoads(tx: Prisma.TransactionClient, now: Date): Promise<Loads> {
  if (loads && Date.now() - loads.at < LOADS_MS) return loads.byReader;
  const since = new Date(now.getTime() - SHIFT_HOURS * 3_600_000);
  const rows = await tx.$queryRaw<{ id: string; shift: number; open: number }[]>`
    WITH duty AS (
      SELECT e.details->>'userId' AS id,
             max(e.at) FILTER (WHERE e.action = ANY(${DUTY_ON_ACTIONS})) AS last_on,
             max(e.at) FILTER (WHERE e.action = ANY(${DUTY_OFF_ACTIONS})) AS last_off
        FROM "AuditEvent" e
       WHERE e.action = ANY(${[...DUTY_ON_ACTIONS, ...DUTY_OFF_ACTIONS]}) AND e.at >= ${since} AND e.at <= ${now}
       GROUP BY 1
    )
    SELECT s."assignedToId" AS id,
           coalesce(sum(s."workRvu") FILTER (WHERE s."assignedAt" >= greatest(${since},
             CASE WHEN d.last_off IS NULL OR d.last_off < d.last_on THEN d.last_on END)), 0)::float8 AS shift,
           coalesce(sum(s."workRvu") FILTER (WHERE s."dueAt" IS NOT NULL), 0)::float8 AS open
      FROM "Study" s
      LEFT JOIN duty d ON d.id = s."assignedToId"
     WHERE s."assignedToId" IS NOT NULL AND (s."assignedAt" >= ${since} OR s."dueAt" IS NOT NULL)
     GROUP BY 1`;
  loads = { at: Date.now(), byReader: new Map(rows.map((r) => [r.id, { shiftRvu: r.shift, openRvu: r.open }])) };
  return loads.byReader;
}

type WaitingRow = AssignableStudy;

/**
 * Hands back the open assignments of `userIds` (off duty, claim lapsed, no longer eligible),
 * except a study the reader is reading right now: audited and NOTIFYed in one statement.
 */
async function handBack(
  tx: Prisma.TransactionClient,
  where: Prisma.Sql,
  why: string,
  now: Date,
  claimTimeoutMinutes: number,
): Promise<number> {
  // Probe first, by index: nearly every round has nothing to hand back, and the probe's index scan
  // marks entries of studies handed back earlier as dead, where the UPDATE's bitmap scan would
  // revisit every one of them in the table until vacuum (measured: 6–8 ms a round, for nothing).
  const any = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "Study" s WHERE s."dueAt" IS NOT NULL AND ${where} LIMIT 1`;
  if (any.length === 0) return 0;
  const fresh = new Date(now.getTime() - claimTimeoutMinutes * 60_000);
  const [row] = await tx.$queryRaw<[{ n: bigint }]>`
    WITH released AS (
      UPDATE "Study" s SET "assignedToId" = NULL, "assignedAt" = NULL
       WHERE s."dueAt" IS NOT NULL AND ${where}
         AND NOT (s."readingState" = 'CLAIMED' AND s."claimedById" = s."assignedToId" AND s."claimHeartbeatAt" >= ${fresh})
      RETURNING s.id, s."assignedToId"
    ),
    audited AS (${auditInsertSql("released", { actorId: null, action: "study.unassigned", details: { why }, at: now })}),
    notified AS (SELECT pg_notify(${WORKLIST_CHANNEL}, json_build_object('type', 'assigned', 'studyId', "studyId")::text) FROM audited)
    SELECT count(*) AS n FROM notified`;
  if (Number(row.n) > 0) forgetLoads();
  return Number(row.n);
}

/**
 * One round of push assignment (server/jobs/assignment.ts runs it on worklist events and every
 * few seconds): hands back what off-duty, away (claim lapsed) or no-longer-eligible readers
 * hold, then assigns waiting open studies, most urgent first, with lib/routing/assignment.ts's
 * choice. Each study is assigned with a conditional UPDATE (still unassigned), under a lock
 * that lets one process assign at a time: no study is assigned twice. While push is off,
 * any open assignments are handed back.
 */
export async function assignOpenStudies(
  db: Db,
  now = new Date(),
  options: { checkEligibility?: boolean } = {},
): Promise<{ assigned: number; handedBack: number }> {
  const [config, rules] = await Promise.all([getRoutingConfig(db), getWorklistRules(db)]);
  if (!pushIsOn(config)) {
    const any = await db.$queryRaw<unknown[]>`
      SELECT 1 FROM "Study" WHERE "assignedToId" IS NOT NULL AND "dueAt" IS NOT NULL LIMIT 1`;
    if (any.length === 0) return { assigned: 0, handedBack: 0 };
    const handedBack = await db.$transaction((tx) =>
      handBack(tx, Prisma.sql`s."assignedToId" IS NOT NULL`, "push assignment is off", now, rules.claimTimeoutMinutes),
    );
    return { assigned: 0, handedBack };
  }
  const [ctx, readers] = await Promise.all([routingContext(db, now), cachedReaders(db, now)]);
  if (options.checkEligibility) unplaceable.clear();
  for (const [id, at] of unplaceable) if (Date.now() - at > UNPLACEABLE_MS) unplaceable.delete(id);
  const skip = [...unplaceable.keys()];
  return db.$transaction(
    async (tx) => {
      // The round commits without waiting for its WAL flush, as a claim does (server/worklist/claims.ts):
      // assignments are soft state. Were the database server to crash within a fraction of a second
      // of a round, its assignments and their audit rows would be lost together and the next round
      // would make them again.
      // One round trip takes the lock and asks what usually has nothing to do: claims lapsed,
      // off-duty readers still holding assignments, questions still open. (Its snapshot may
      // predate a round another process committed while this one waited for the lock: the
      // answers only decide what to look at, and a later round sees what this one missed.)
      const lapsedBefore = new Date(now.getTime() - rules.claimTimeoutMinutes * 60_000);
      const offDutyNow = readers.filter((r) => !r.onDuty).map((r) => r.userId);
      const [pending] = await tx.$queryRaw<[{ lapsed: boolean; offDutyHold: boolean; questions: boolean }]>`
        SELECT pg_advisory_xact_lock(${ASSIGN_LOCK}) IS NULL AS locked,
               set_config('synchronous_commit', 'off', true) AS soft,
               EXISTS (SELECT 1 FROM "Study" s WHERE s."readingState" = 'CLAIMED' AND s."claimHeartbeatAt" < ${lapsedBefore}) AS lapsed,
               EXISTS (SELECT 1 FROM "Study" s WHERE s."dueAt" IS NOT NULL AND s."assignedToId" = ANY(${offDutyNow}::text[])) AS "offDutyHold",
               EXISTS (SELECT 1 FROM "ReadingInterruption" WHERE answer IS NULL) AS questions`;
      let handedBack = 0;
      // A reader whose claim lapsed has walked away: the claim is freed, they go off duty (audited),
      // and what was assigned to them goes back out below. They come back with the duty switch.
      const away = !pending.lapsed
        ? []
        : await tx.$queryRaw<{ userId: string }[]>`
        WITH old AS (
          SELECT s.id, s."claimedById" AS who FROM "Study" s
           WHERE s."readingState" = 'CLAIMED' AND s."claimHeartbeatAt" < ${lapsedBefore} FOR UPDATE
        ),
        freed AS (
          UPDATE "Study" s SET "readingState" = 'UNREAD', "claimedById" = NULL, "claimedAt" = NULL, "claimHeartbeatAt" = NULL
            FROM old WHERE s.id = old.id RETURNING s.id, old.who
        ),
        audited AS (${auditInsertSql("freed", { actorId: null, action: "study.claim-lapsed", details: {}, at: now })}),
        off AS (
          INSERT INTO "ReaderProfile" ("userId", "onDuty", "updatedAt")
          SELECT DISTINCT who, false, ${now}::timestamp FROM freed WHERE who IS NOT NULL AND (SELECT count(*) FROM audited) >= 0
          ON CONFLICT ("userId") DO UPDATE SET "onDuty" = false, "updatedAt" = EXCLUDED."updatedAt"
          RETURNING "userId"
        ),
        off_audited AS (
          INSERT INTO "AuditEvent" (id, at, "actorId", action, details)
          SELECT gen_random_uuid()::text, ${now}, NULL, 'reader.off-duty', jsonb_build_object('userId', "userId", 'why', 'their open case lapsed') FROM off
          RETURNING 1
        )
        SELECT "userId" FROM off WHERE (SELECT count(*) FROM off_audited) >= 0`;
      if (away.length) forgetCoverage();
      const offDuty = [...offDutyNow, ...away.map((a) => a.userId)];
      if (pending.offDutyHold || away.length)
        handedBack += await handBack(
          tx,
          Prisma.sql`s."assignedToId" = ANY(${offDuty}::text[])`,
          "reader went off duty",
          now,
          rules.claimTimeoutMinutes,
        );
      if (options.checkEligibility) {
        const held = await tx.$queryRaw<(WaitingRow & { assignedToId: string })[]>`
          SELECT s.id, s."assignedToId", s."routedGroup", s."sourceId", s.modalities, s."bodyPart",
                 s."orderPriority"::text AS "orderPriority", s."aiStatus"::text AS "aiStatus", s."firstSeenAt", s."patientId",
                 coalesce(s."workRvu", 0) AS "workRvu"
            FROM "Study" s WHERE s."assignedToId" IS NOT NULL AND s."dueAt" IS NOT NULL`;
        const byId = new Map(readers.map((r) => [r.userId, r]));
        const lost = held
          .filter((s) => {
            const r = byId.get(s.assignedToId);
            return !r || !eligibility(r, s, ctx).eligible;
          })
          .map((s) => s.id);
        if (lost.length)
          handedBack += await handBack(
            tx,
            Prisma.sql`s.id = ANY(${lost}::text[])`,
            "reader no longer eligible",
            now,
            rules.claimTimeoutMinutes,
          );
      }

      const fresh = new Date(now.getTime() - rules.claimTimeoutMinutes * 60_000);
      // Questions whose study went elsewhere are withdrawn; unanswered ones lapse and their studies come back out.
      if (pending.questions) await closeStaleInterruptions(tx, now, rules.claimTimeoutMinutes);
      // In push mode the unassigned open studies are few (arrivals not yet placed): their partial
      // index finds them and sorting them by the reading order is cheap. (Walking the list's
      // ordering indexes instead, which must step over every assigned study, measured 3× slower.)
      const waitingPage = (offset: number) => tx.$queryRaw<(WaitingRow & { patientReader: string | null })[]>`
        SELECT s.id, s."routedGroup", s."sourceId", s.modalities, s."bodyPart", s."orderPriority"::text AS "orderPriority",
               s."aiStatus"::text AS "aiStatus", s."firstSeenAt", s."patientId", coalesce(s."workRvu", 0)::float8 AS "workRvu",
               -- Who has this patient's other open studies (the latest assigned), to keep them together.
               (SELECT a."assignedToId" FROM "Study" a
                 WHERE a."patientId" = s."patientId" AND a."sourceId" = s."sourceId" AND a."dueAt" IS NOT NULL AND a."assignedToId" IS NOT NULL
                 ORDER BY a."assignedAt" DESC LIMIT 1) AS "patientReader"
          FROM "Study" s
         WHERE s."assignedToId" IS NULL AND s."dueAt" IS NOT NULL
           AND NOT (s."readingState" = 'CLAIMED' AND s."claimHeartbeatAt" >= ${fresh})
           AND s.id <> ALL(${skip}::text[])
         ORDER BY ${readingOrderBySql(now)}, s.id LIMIT ${ROUND} OFFSET ${offset}`;
      const waiting = await waitingPage(0);
      if (waiting.length === 0) return { assigned: 0, handedBack };

      const byReader = await readLoads(tx, now);
      // Who is reading what: since when, and (interruptions) whether their one case may be paused.
      // Only urgent studies (STAT, AI-critical) are placed by it, so it is read once a page holds one.
      let readingLoaded = false;
      const loadReading = async () => {
        const rows = await tx.$queryRaw<
          { id: string; since: Date; n: number; studyId: string; dueAt: Date; urgent: boolean }[]
        >`
          SELECT s."claimedById" AS id, min(s."claimedAt") AS since, count(*)::int AS n,
                 min(s.id) AS "studyId", max(s."dueAt") AS "dueAt",
                 bool_or(s."aiStatus" = 'critical' OR s."orderPriority" = 'STAT' OR s."pinnedAt" IS NOT NULL) AS urgent
            FROM "Study" s
           WHERE s."readingState" = 'CLAIMED' AND s."claimHeartbeatAt" >= ${fresh} GROUP BY 1`;
        const byId = new Map(rows.map((r) => [r.id, r]));
        const asked = config.interruptions
          ? new Set(
              (
                await tx.$queryRaw<{ readerId: string }[]>`
                SELECT "readerId" FROM "ReadingInterruption" WHERE answer IS NULL`
              ).map((r) => r.readerId),
            )
          : new Set<string>();
        for (const c of candidates) {
          const r = byId.get(c.reader.userId);
          c.readingSince = r?.since ?? null;
          c.pausable =
            config.interruptions && r && r.n === 1 && !r.urgent && r.dueAt && !asked.has(c.reader.userId)
              ? { studyId: r.studyId, dueAt: r.dueAt }
              : null;
        }
        readingLoaded = true;
      };
      // Open studies of the same patients already with a reader (to keep a patient's studies together).
      const withPatient = new Map<string, string>();
      const candidates: Candidate[] = readers
        .filter((r) => r.onDuty && !offDuty.includes(r.userId))
        .map((r) => ({
          reader: r,
          capRvu: r.capRvu ?? null,
          shiftRvu: byReader.get(r.userId)?.shiftRvu ?? 0,
          openRvu: byReader.get(r.userId)?.openRvu ?? 0,
          readingSince: null, // set by loadReading before an urgent study is placed
          pausable: null,
        }));

      const chosen: { id: string; userId: string; why: string }[] = [];
      const asks: { studyId: string; readerId: string; pausedStudyId: string }[] = [];
      // Studies nobody can take now (every eligible reader at their cap, say) stay waiting; the
      // round looks past them, a page at a time, so they never hold up the ones behind them.
      let page = waiting;
      for (let offset = 0; page.length > 0 && chosen.length < ROUND && offset < MAX_LOOK;) {
        for (const s of page)
          if (s.patientId && s.patientReader && !withPatient.has(`${s.patientId}|${s.sourceId}`))
            withPatient.set(`${s.patientId}|${s.sourceId}`, s.patientReader);
        if (!readingLoaded && page.some(bypassesCaps)) await loadReading();
        const declined = config.interruptions
          ? await declinedReaders(
              tx,
              page.map((s) => s.id),
            )
          : new Map();
        for (const study of page) {
          const patientKey = study.patientId ? `${study.patientId}|${study.sourceId}` : null;
          const pick = chooseAssignee(
            study,
            candidates,
            ctx,
            patientKey ? (withPatient.get(patientKey) ?? null) : null,
            {
              interruptions: config.interruptions,
              declinedBy: declined.get(study.id),
            },
          );
          if (!pick) continue;
          chosen.push({ id: study.id, userId: pick.userId, why: pick.reason });
          const c = candidates.find((x) => x.reader.userId === pick.userId)!;
          if (pick.interrupts) {
            asks.push({ studyId: study.id, readerId: pick.userId, pausedStudyId: pick.interrupts });
            c.pausable = null; // one question at a time
          }
          c.shiftRvu += study.workRvu;
          c.openRvu += study.workRvu;
          if (patientKey) withPatient.set(patientKey, pick.userId);
        }
        if (page.length < ROUND) break;
        offset += ROUND;
        page = await waitingPage(offset);
      }
      if (chosen.length === 0) return { assigned: 0, handedBack };
      const values = Prisma.join(chosen.map((c) => Prisma.sql`(${c.id}, ${c.userId}, ${c.why})`));
      const [row] = await tx.$queryRaw<[{ n: bigint; ids: string[] }]>`
        WITH v(id, uid, why) AS (VALUES ${values}),
        assigned AS (
          UPDATE "Study" s SET "assignedToId" = v.uid, "assignedAt" = ${now}
            FROM v WHERE s.id = v.id AND s."assignedToId" IS NULL AND s."dueAt" IS NOT NULL
          RETURNING s.id, v.uid, v.why
        ),
        audited AS (${auditInsertSql("assigned", {
          actorId: null,
          action: "study.assigned",
          at: now,
          detailsPerRow: Prisma.sql`jsonb_build_object('to', uid, 'why', why)`,
        })}),
        notified AS (
          SELECT pg_notify(${WORKLIST_CHANNEL}, json_build_object('type', 'assigned', 'studyId', a.id, 'assignedTo', a.uid)::text)
            FROM assigned a WHERE (SELECT count(*) FROM audited) >= 0
        )
        SELECT (SELECT count(*) FROM notified) AS n, ARRAY(SELECT id FROM assigned) AS ids`;
      const assignedIds = new Set(row.ids);
      await askToInterrupt(
        tx,
        asks.filter((a) => assignedIds.has(a.studyId)),
        now,
      );
      // Keep this process's loads in step with what it just assigned.
      for (const c of candidates) byReader.set(c.reader.userId, { shiftRvu: c.shiftRvu, openRvu: c.openRvu });
      return { assigned: Number(row.n), handedBack };
    },
    { timeout: 60_000 },
  );
}

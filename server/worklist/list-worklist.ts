import { cachedPlan, hotQuery, type Db } from "../db/client";
import { computePriority } from "@/lib/priority/engine";
import { ageInYears, type WorklistFilters } from "@/lib/worklist-filters";
import { getPriorityConfig, getWorklistRules } from "../core/settings";
import { priorityColumns, toPriorityInput, type PriorityColumns } from "./priority-input";
import { cappedCountSql, filterSql, membersSql, orderedIdsSql } from "./worklist-query";
import { routingReasons, UNRESTRICTED, type ReadingScope } from "../routing/reading-scope";
import type { RowOrder } from "@/lib/worklist-live";

export type WorklistRow = {
  rank: number;
  id: string;
  studyInstanceUid: string;
  accessionNumber: string | null;
  patientName: string | null;
  patientId: string | null;
  patientSex: string | null;
  patientAge: number | null;
  description: string | null;
  /** From the RIS's order (HL7): why it was ordered and by whom. */
  reasonForExam: string | null;
  orderingProvider: string | null;
  modalities: string[];
  bodyPart: string | null;
  orderPriority: string | null;
  patientLocation: string;
  arrivedAt: Date;
  dueAt: Date;
  pinned: boolean;
  pinSource: "ai" | "scheduler" | "cap" | null;
  ai: { status: string; finding: string | null; probability: number | null; model: string | null } | null;
  critical: boolean;
  reasons: string[];
  /** The reading group routing sent it to (null while routing is off). */
  group: string | null;
  /** Push assignment: the reader it is assigned to. */
  assignedTo: { id: string; name: string } | null;
  claimedBy: { id: string; name: string } | null;
  /** Where it sits in the reading order, so an open page can merge live changes (lib/worklist-live.ts). */
  order: RowOrder;
};

const rowSelect = {
  ...priorityColumns,
  studyInstanceUid: true,
  accessionNumber: true,
  patientName: true,
  patientId: true,
  patientSex: true,
  patientBirthDate: true,
  description: true,
  reasonForExam: true,
  orderingProvider: true,
  modalities: true,
  bodyPart: true,
  readingState: true,
  claimHeartbeatAt: true,
  claimedBy: { select: { id: true, name: true } },
  sourceId: true,
  routedGroup: true,
  routeReason: true,
  assignedToId: true,
  assignedTo: { select: { id: true, name: true } },
  pinnedAt: true,
  capAt: true,
  dueAt: true,
} as const;

/** Pages up to this depth run as prepared statements (one per depth and filter shape per connection). */
const CACHED_PLAN_DEPTH = 500;

/** One page of the reading worklist for `userId`, in the engine's order, each row with its reasons. */
export async function listWorklist(
  db: Db,
  userId: string,
  input: { filters: WorklistFilters; limit: number; offset: number; scope?: ReadingScope },
  now = new Date(),
) {
  // Open studies are exactly those with a due time (it is cleared when a study is read).
  const where = filterSql(input.filters, userId, now);
  const take = input.offset + input.limit;
  // The first pages are asked for all day: a generic plan kept per page depth and reader shape,
  // as Next case's (a deep scroll is planned afresh). Only ids come back, so pg's types serve.
  const cached = take <= CACHED_PLAN_DEPTH;
  // Tiers in order (push mode: the reader's own assignments first); each walks only as deep as the page needs.
  const ordered: { id: string; tier: number }[] = [];
  for (const [tier, slices] of (input.scope ?? UNRESTRICTED).tiers.entries()) {
    if (ordered.length >= take) break;
    const query = orderedIdsSql(where, now, take - ordered.length, slices);
    const ids = cached
      ? await hotQuery<{ id: string }>(db, cachedPlan(query), { genericPlan: true })
      : await db.$queryRaw<{ id: string }[]>(query);
    ordered.push(...ids.map(({ id }) => ({ id, tier })));
  }
  const rows = await worklistRows(db, userId, ordered.slice(input.offset), input.scope, now, input.offset);
  return { rows, now };
}

/**
 * The rows of `ids` (each with its tier) as `userId`'s list shows them, in the given order,
 * ranked from `offset` + 1.
 */
async function worklistRows(
  db: Db,
  userId: string,
  ids: readonly { id: string; tier: number }[],
  scope: ReadingScope | undefined,
  now: Date,
  offset: number,
): Promise<WorklistRow[]> {
  if (ids.length === 0) return [];
  const [config, rules] = await Promise.all([getPriorityConfig(db), getWorklistRules(db)]);
  const rows = await db.study.findMany({ where: { id: { in: ids.map((r) => r.id) } }, select: rowSelect });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const claimCutoff = now.getTime() - rules.claimTimeoutMinutes * 60_000;
  return ids.flatMap(({ id, tier }, i) => {
    const s = byId.get(id);
    if (!s) return [];
    const p = computePriority(toPriorityInput(s as PriorityColumns), config, now);
    const claimActive =
      s.readingState === "CLAIMED" && s.claimHeartbeatAt && s.claimHeartbeatAt.getTime() >= claimCutoff;
    return [
      {
        rank: offset + i + 1,
        id: s.id,
        studyInstanceUid: s.studyInstanceUid,
        accessionNumber: s.accessionNumber,
        patientName: s.patientName,
        patientId: s.patientId,
        patientSex: s.patientSex,
        patientAge: ageInYears(s.patientBirthDate, now),
        description: s.description,
        reasonForExam: s.reasonForExam,
        orderingProvider: s.orderingProvider,
        modalities: s.modalities,
        bodyPart: s.bodyPart,
        orderPriority: s.orderPriority,
        patientLocation: s.patientLocation,
        arrivedAt: s.firstSeenAt,
        dueAt: p.dueAt,
        pinned: p.pinnedAt !== null,
        pinSource: p.pinSource,
        ai: s.aiStatus
          ? {
              status: s.aiStatus,
              finding: s.aiFinding,
              probability: s.aiProbability,
              model: s.aiModelId ? `${s.aiModelId} ${s.aiModelVersion}` : null,
            }
          : null,
        critical: s.aiStatus === "critical",
        reasons: [
          ...(s.assignedToId && s.assignedToId === userId ? ["assigned to you"] : []),
          ...(scope ? routingReasons(scope, s) : []),
          ...p.reasons,
        ],
        assignedTo: s.assignedTo,
        group: s.routedGroup,
        claimedBy: claimActive && s.claimedBy ? s.claimedBy : null,
        order: { tier, pinnedAt: s.pinnedAt, capAt: s.capAt, dueAt: s.dueAt ?? p.dueAt, firstSeenAt: s.firstSeenAt },
      },
    ];
  });
}

/**
 * Of `ids`, those in `userId`'s list now (open, matching their filters and reading scope), as
 * its rows, and those that are not: what an open worklist needs after a live change.
 */
export async function worklistRowsById(
  db: Db,
  userId: string,
  ids: readonly string[],
  input: { filters: WorklistFilters; scope?: ReadingScope },
  now = new Date(),
): Promise<{ rows: WorklistRow[]; gone: string[] }> {
  const where = filterSql(input.filters, userId, now);
  const found: { id: string; tier: number }[] = [];
  const tiers = (input.scope ?? UNRESTRICTED).tiers;
  for (const [tier, slices] of tiers.entries()) {
    const rest = ids.filter((id) => !found.some((f) => f.id === id));
    if (!rest.length) break;
    const members = await db.$queryRaw<{ id: string }[]>(membersSql(where, rest, slices));
    found.push(...members.map((m) => ({ id: m.id, tier })));
  }
  const rows = await worklistRows(db, userId, found, input.scope, now, 0);
  const shown = new Set(rows.map((r) => r.id));
  return { rows, gone: ids.filter((id) => !shown.has(id)) };
}

// A reader needs "how much is waiting", not an exact five-digit figure (schedulers' backlog page
// counts everything): walking 1,000 index entries keeps this query beside the page cheap.
export const COUNT_CAP = 1_000;

/** How many open studies match the user's filters, up to COUNT_CAP ("1,000+" beyond). */
export async function countWorklist(
  db: Db,
  userId: string,
  filters: WorklistFilters,
  now = new Date(),
  scope?: ReadingScope,
) {
  let total = 0;
  for (const tier of (scope ?? UNRESTRICTED).tiers) {
    if (total >= COUNT_CAP) break;
    const [row] = await db.$queryRaw<[{ total: bigint }]>(
      cappedCountSql(filterSql(filters, userId, now), COUNT_CAP - total, tier),
    );
    total += Number(row.total);
  }
  return { total, capped: total >= COUNT_CAP };
}

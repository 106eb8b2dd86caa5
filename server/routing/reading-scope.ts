import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import {
  eligibility,
  overflowReason,
  type EligibilityStudy,
  type ReaderAccess,
  type RoutingContext,
} from "@/lib/routing/eligibility";
import { pushIsOn, routingIsOn } from "@/lib/routing/routing-config";
import { eligibleSlices } from "./eligibility-sql";
import { cachedReaderAccess, routingContext } from "./reader-access";

/**
 * What a user's worklist may show, in tiers read in order: for a radiologist, the studies
 * they are eligible for as one slice per reading group (server/routing/eligibility-sql.ts);
 * in push mode, first the studies assigned to them, then the eligible ones assigned to nobody.
 * A tier of null: no restriction (routing off; chairs, schedulers and admins see every study).
 */
export type ReadingScope = {
  reader: ReaderAccess | null;
  ctx: RoutingContext;
  tiers: (Prisma.Sql[] | null)[];
};

export const UNRESTRICTED: Pick<ReadingScope, "tiers"> = { tiers: [null] };

export async function readingScope(
  db: Db,
  user: { id: string; roles: readonly string[] },
  now = new Date(),
): Promise<ReadingScope> {
  const ctx = await routingContext(db, now);
  if (!routingIsOn(ctx.config) || !user.roles.includes("radiologist")) return { reader: null, ctx, tiers: [null] };
  const reader = (await cachedReaderAccess(db, user.id, now)) ?? {
    userId: user.id,
    name: "",
    trainee: false,
    onDuty: true,
    memberships: [],
    credentials: [],
  };
  const slices = eligibleSlices(reader, ctx) ?? [];
  if (!pushIsOn(ctx.config)) return { reader, ctx, tiers: [slices] };
  return {
    reader,
    ctx,
    tiers: [
      [Prisma.sql`s."assignedToId" = ${user.id}`],
      slices.map((slice) => Prisma.sql`s."assignedToId" IS NULL AND ${slice}`),
    ],
  };
}

/** The routing reasons a worklist row shows: which rule routed it, and why it reached this reader by overflow. */
export function routingReasons(
  scope: ReadingScope,
  study: EligibilityStudy & { routeReason: string | null },
): string[] {
  if (!routingIsOn(scope.ctx.config)) return [];
  const reasons = study.routeReason ? [study.routeReason] : [];
  const overflow = scope.reader
    ? (() => {
        const e = eligibility(scope.reader, study, scope.ctx);
        return e.eligible && e.via === "overflow" ? e.reason : null;
      })()
    : overflowReason(study, scope.ctx);
  return overflow ? [...reasons, overflow] : reasons;
}

import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import {
  eligibility,
  overflowReason,
  type EligibilityStudy,
  type ReaderAccess,
  type RoutingContext,
} from "@/lib/routing/eligibility";
import { routingIsOn } from "@/lib/routing/routing-config";
import { eligibleSql } from "./eligibility-sql";
import { readerAccess, routingContext } from "./reader-access";

/**
 * What a user's worklist may show: for a radiologist, the studies they are eligible for
 * (`where`, null while routing is off); chairs, schedulers and admins see every study.
 */
export type ReadingScope = { reader: ReaderAccess | null; ctx: RoutingContext; where: Prisma.Sql | null };

export async function readingScope(
  db: Db,
  user: { id: string; roles: readonly string[] },
  now = new Date(),
): Promise<ReadingScope> {
  const ctx = await routingContext(db, now);
  if (!routingIsOn(ctx.config) || !user.roles.includes("radiologist")) return { reader: null, ctx, where: null };
  const reader = (await readerAccess(db, user.id)) ?? {
    userId: user.id,
    name: "",
    trainee: false,
    onDuty: true,
    memberships: [],
    credentials: [],
  };
  return { reader, ctx, where: eligibleSql(reader, ctx) };
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

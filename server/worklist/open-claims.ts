import type { Db } from "../db/client";
import { getWorklistRules } from "../core/settings";

/**
 * The cases radiologists hold open, oldest claim first, for a chair or admin deciding whether
 * to break one (someone went home with a case open). A claim whose heartbeat stopped longer
 * ago than the timeout is "lapsed": anyone's Next case may already take it.
 */
export async function listOpenClaims(db: Db, now = new Date(), limit = 200) {
  const rules = await getWorklistRules(db);
  const rows = await db.study.findMany({
    where: { readingState: "CLAIMED" },
    orderBy: [{ claimedAt: "asc" }, { id: "asc" }],
    take: limit,
    select: {
      id: true,
      accessionNumber: true,
      patientName: true,
      modalities: true,
      description: true,
      dueAt: true,
      claimedAt: true,
      claimHeartbeatAt: true,
      claimedBy: { select: { id: true, name: true } },
    },
  });
  const cutoff = now.getTime() - rules.claimTimeoutMinutes * 60_000;
  return rows.map(({ claimHeartbeatAt, ...s }) => ({
    ...s,
    lastActivityAt: claimHeartbeatAt,
    lapsed: !claimHeartbeatAt || claimHeartbeatAt.getTime() < cutoff,
  }));
}

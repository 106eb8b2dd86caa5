import type { Db, Prisma } from "../db/client";

/**
 * Workers LISTEN here for study revisions to score: ingest sends one on commit for every new
 * study and every study that grew. (The worklist's own channel is for what the UI shows.)
 */
export const REVISIONS_CHANNEL = "readnext_revisions";

export type RevisionEvent = { studyId: string; revision: number };

export async function notifyNewRevision(tx: Prisma.TransactionClient | Db, event: RevisionEvent): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${REVISIONS_CHANNEL}, ${JSON.stringify(event)})`;
}

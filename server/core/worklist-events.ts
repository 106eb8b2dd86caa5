import type { Db, Prisma } from "../db/client";

export const WORKLIST_CHANNEL = "readnext_worklist";

export type WorklistEvent = {
  type: "arrived" | "changed" | "claimed" | "released" | "read" | "scored" | "override" | "routing" | "assigned";
  studyId: string;
  critical?: boolean;
  /** For "assigned": the reader it went to (absent when handed back). */
  assignedTo?: string;
};

/** Tells every web server (LISTEN readnext_worklist) that the worklist changed; sent on commit. */
export async function notifyWorklist(tx: Prisma.TransactionClient | Db, event: WorklistEvent): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${WORKLIST_CHANNEL}, ${JSON.stringify(event)})`;
}

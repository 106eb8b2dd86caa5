import type { Db } from "../db/client";

export type WorklistRow = {
  id: string;
  accessionNumber: string | null;
  patientName: string | null;
  patientId: string | null;
  description: string | null;
  modalities: string[];
  orderPriority: string | null;
  patientLocation: string;
  firstSeenAt: Date;
  claimedBy: string | null;
};

/**
 * Studies waiting to be read, oldest first. The priority engine (lib/priority)
 * replaces this order once scoring and due times exist.
 */
export async function listOpenStudies(database: Db, input: { limit: number }): Promise<{ rows: WorklistRow[]; total: number }> {
  const where = { readingState: { in: ["UNREAD", "CLAIMED"] as ("UNREAD" | "CLAIMED")[] } };
  const [rows, total] = await Promise.all([
    database.study.findMany({
      where,
      orderBy: { firstSeenAt: "asc" },
      take: input.limit,
      select: {
        id: true, accessionNumber: true, patientName: true, patientId: true, description: true, modalities: true,
        orderPriority: true, patientLocation: true, firstSeenAt: true, claimedBy: { select: { name: true } },
      },
    }),
    database.study.count({ where }),
  ]);
  return { rows: rows.map(({ claimedBy, ...r }) => ({ ...r, claimedBy: claimedBy?.name ?? null })), total };
}

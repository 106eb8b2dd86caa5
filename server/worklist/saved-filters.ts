import type { Db, Prisma } from "../db/client";
import { recordAudit } from "../services/audit";
import { NO_FILTERS, worklistFiltersSchema, type WorklistFilters } from "@/lib/worklist-filters";

export async function getSavedFilters(db: Db, userId: string): Promise<WorklistFilters> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { worklistFilters: true } });
  const parsed = worklistFiltersSchema.safeParse(user?.worklistFilters ?? NO_FILTERS);
  return parsed.success ? parsed.data : NO_FILTERS;
}

export async function saveFilters(db: Db, userId: string, filters: WorklistFilters): Promise<WorklistFilters> {
  const json = filters as unknown as Prisma.InputJsonObject;
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { worklistFilters: json } });
    await recordAudit(tx, { actorId: userId, action: "user.filters", details: json });
  });
  return filters;
}

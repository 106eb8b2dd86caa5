import type { Db } from "../db/client";
import { getRoutingConfig } from "../core/settings";
import { localDay } from "@/lib/chair-scope";
import { env } from "../env";

/** Modalities the filter offers: the common DICOM ones (counting distinct ones over every study would cost a scan). */
export const CHAIR_MODALITIES = ["CT", "MR", "CR", "DX", "US", "MG", "NM", "PT", "XA", "RF"] as const;

/** The range and filter bar's choices: today on the department's clock, its sources and reading groups. */
export async function chairOptions(db: Db, now: Date) {
  const timeZone = env().DEPARTMENT_TIME_ZONE;
  const [sources, routing] = await Promise.all([
    db.pacsSource.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } }),
    getRoutingConfig(db),
  ]);
  return {
    timeZone,
    today: localDay(now, timeZone),
    modalities: [...CHAIR_MODALITIES],
    sources,
    groups: routing.groups.map((g) => ({ key: g.key, label: g.label })),
  };
}

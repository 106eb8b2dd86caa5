import { z } from "zod";

/** A radiologist's worklist filters; saved per user, applied to the list and to Next case. */
export const worklistFiltersSchema = z.object({
  modalities: z.array(z.string().trim().min(1).max(16)).max(20).default([]),
  bodyParts: z.array(z.string().trim().min(1).max(64)).max(20).default([]),
  priorities: z.array(z.enum(["STAT", "HIGH", "MEDIUM", "ROUTINE", "LOW", "UNKNOWN"])).max(6).default([]),
  locations: z.array(z.enum(["ED", "INPATIENT", "OUTPATIENT", "UNKNOWN"])).max(4).default([]),
  aiFlaggedOnly: z.boolean().default(false),
});
export type WorklistFilters = z.infer<typeof worklistFiltersSchema>;
export const NO_FILTERS: WorklistFilters = { modalities: [], bodyParts: [], priorities: [], locations: [], aiFlaggedOnly: false };

/** Age in whole years at `on` from a birth date, or null. */
export function ageInYears(birthDate: Date | null, on: Date): number | null {
  if (!birthDate) return null;
  let age = on.getFullYear() - birthDate.getFullYear();
  const m = on.getMonth() - birthDate.getMonth();
  if (m < 0 || (m === 0 && on.getDate() < birthDate.getDate())) age -= 1;
  return age >= 0 ? age : null;
}

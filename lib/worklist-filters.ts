import { z } from "zod";
import { PATIENT_LOCATIONS, patientLocationSchema, PRIORITY_CLASSES, priorityClassSchema } from "./priority/classes";

/** A radiologist's worklist filters; saved per user, applied to the list and to Next case. */
export const worklistFiltersSchema = z.object({
  modalities: z.array(z.string().trim().min(1).max(16)).max(20).default([]),
  bodyParts: z.array(z.string().trim().min(1).max(64)).max(20).default([]),
  priorities: z.array(priorityClassSchema).max(PRIORITY_CLASSES.length).default([]),
  locations: z.array(patientLocationSchema).max(PATIENT_LOCATIONS.length).default([]),
  aiFlaggedOnly: z.boolean().default(false),
});
export type WorklistFilters = z.infer<typeof worklistFiltersSchema>;
export const NO_FILTERS: WorklistFilters = {
  modalities: [],
  bodyParts: [],
  priorities: [],
  locations: [],
  aiFlaggedOnly: false,
};

/** Age in whole years at `on` from a birth date, or null. */
export function ageInYears(birthDate: Date | null, on: Date): number | null {
  if (!birthDate) return null;
  let age = on.getFullYear() - birthDate.getFullYear();
  const m = on.getMonth() - birthDate.getMonth();
  if (m < 0 || (m === 0 && on.getDate() < birthDate.getDate())) age -= 1;
  return age >= 0 ? age : null;
}

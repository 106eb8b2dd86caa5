import { z } from "zod";

/** The audit page's search, shared by its tRPC query and its CSV export (the same rows, all pages). */
export const auditSearchSchema = z.object({
  /** Part of a person's name or email. */
  person: z.string().trim().max(200).optional(),
  action: z.string().trim().max(100).optional(),
  /** An accession number, a StudyInstanceUID or ReadNext's study id. */
  study: z.string().trim().max(200).optional(),
  /** Department days (DEPARTMENT_TIME_ZONE), both ends included. */
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  /** people: what users did; system: arrivals, scoring and other automatic events. */
  who: z.enum(["all", "people", "system"]).default("all"),
});
export type AuditSearch = z.infer<typeof auditSearchSchema>;

/** Where the next (older) page starts: the last row shown. */
export const auditCursorSchema = z.object({ at: z.date(), id: z.string().min(1).max(100) });

/** Opening patient data: written whenever someone sees a study's details, its key image or its viewer. */
export const PATIENT_DATA_VIEWS = {
  "study.view": "opened the study's panel",
  "study.view-key-image": "saw the AI key image",
  "study.open-viewer": "opened the study in the viewer",
} as const;
export type PatientDataView = keyof typeof PATIENT_DATA_VIEWS;

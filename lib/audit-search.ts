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

/** Every action the log holds, in words for the Audit page (its code stays in the CSV and on hover). */
export const AUDIT_ACTION_WORDS: Record<string, string> = {
  ...PATIENT_DATA_VIEWS,
  "study.arrived": "study arrived from the PACS",
  "study.changed": "study gained images",
  "study.scored": "AI scored the study",
  "study.scored-shadow": "a shadow-mode model scored the study",
  "study.not-applicable": "no AI model applies",
  "study.claim": "claimed the study",
  "study.claim-out-of-order": "claimed a study out of order",
  "study.claim-broken": "took over another reader's claim",
  "study.claim-lapsed": "claim lapsed",
  "study.read": "marked the study read",
  "study.skip": "skipped the study",
  "study.order": "order from the RIS applied",
  "study.cancelled": "order cancelled in the RIS",
  "study.reopened": "cancelled order reinstated by the RIS",
  "study.location": "patient moved (HL7 ADT)",
  "study.assigned": "study assigned",
  "study.unassigned": "study handed back",
  "study.interrupt-asked": "reader asked to interrupt their case",
  "study.interrupt-accepted": "reader interrupted their case for it",
  "study.interrupt-declined": "reader declined to interrupt their case",
  "study.interrupt-expired": "interruption not answered in time",
  "study.interrupt-withdrawn": "interruption withdrawn (study went elsewhere)",
  "study.reassigned": "study reassigned",
  "study.override-pin": "pinned the study",
  "study.override-target": "changed the study's due time",
  "study.override-cleared": "cleared a priority override",
  "study.ai-confirmed": "confirmed the AI finding",
  "study.ai-dismissed": "dismissed the AI finding",
  "user.create": "created a user",
  "user.roles": "changed a user's roles",
  "user.sso-roles": "roles set from the hospital sign-in",
  "user.disable": "disabled a user",
  "user.enable": "enabled a user",
  "user.display": "changed their display settings",
  "user.filters": "saved worklist filters",
  "reader.profile": "changed a reader profile",
  "reader.on-duty": "went on duty",
  "reader.off-duty": "went off duty",
  "reader.shifts": "changed a reader's shifts",
  "reader.shift-start": "shift started",
  "reader.shift-end": "shift ended",
  "reader.schedule-cleared": "shift schedule cleared",
  "source.create": "added a PACS source",
  "source.update": "changed a PACS source",
  "source.enable": "enabled a PACS source",
  "source.disable": "disabled a PACS source",
  "source.sync-now": "asked for a PACS sync",
  "source.credential-required": "PACS credential needed",
  "model.enabled": "enabled an AI model",
  "model.disabled": "disabled an AI model",
  "model.thresholds": "changed an AI model's thresholds",
  "model.promoted": "promoted an AI model version to live",
  "model.shadowed": "put an AI model version in shadow mode",
  "model.validation-started": "started a local validation of an AI model",
  "settings.priority": "changed the SLA and priority settings",
  "settings.worklist": "changed the worklist rules",
  "settings.routing": "changed the reading groups and rules",
  "settings.rvu": "changed the RVU table",
  "settings.drift": "changed the AI drift alert bands",
  "audit.export": "downloaded the audit log",
};

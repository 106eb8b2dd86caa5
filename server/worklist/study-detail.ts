import type { Db } from "../db/client";
import { computePriority } from "@/lib/priority/engine";
import { NotFoundError } from "../core/errors";
import { getPriorityConfig, getWorklistRules } from "../core/settings";
import { priorityColumns, toPriorityInput, type PriorityColumns } from "./priority-input";
import { recordPatientDataView, type RequestOrigin } from "../audit/patient-data-views";

/** Fills the viewer launch template; values are URL-encoded. */
export function viewerUrl(
  template: string,
  study: { studyInstanceUid: string; accessionNumber: string | null; patientId: string | null },
): string {
  return template
    .replaceAll("{StudyInstanceUID}", encodeURIComponent(study.studyInstanceUid))
    .replaceAll("{AccessionNumber}", encodeURIComponent(study.accessionNumber ?? ""))
    .replaceAll("{PatientID}", encodeURIComponent(study.patientId ?? ""));
}

/** Everything the study panel shows: the study, its series, AI results (with the reader's own feedback), priority reasons and history. */
export async function getStudyDetail(
  db: Db,
  studyId: string,
  viewerId: string | null = null,
  now = new Date(),
  options: { seesShadowResults?: boolean } = {},
) {
  const [config, rules] = await Promise.all([getPriorityConfig(db), getWorklistRules(db)]);
  const study = await db.study.findUnique({
    where: { id: studyId },
    select: {
      ...priorityColumns,
      studyInstanceUid: true,
      accessionNumber: true,
      patientName: true,
      patientId: true,
      patientSex: true,
      patientBirthDate: true,
      description: true,
      modalities: true,
      bodyPart: true,
      readingState: true,
      claimedAt: true,
      readAt: true,
      revision: true,
      orderPriorityRaw: true,
      patientLocationRaw: true,
      referringPhysician: true,
      reasonForExam: true,
      orderingProvider: true,
      procedureCode: true,
      cancelledAt: true,
      cancelReason: true,
      studyDateTime: true,
      claimedBy: { select: { id: true, name: true } },
      readBy: { select: { name: true } },
      series: {
        select: {
          seriesInstanceUid: true,
          modality: true,
          description: true,
          numberOfInstances: true,
          seriesNumber: true,
        },
        orderBy: { seriesNumber: "asc" },
      },
      aiResults: {
        where: options.seesShadowResults ? {} : { shadow: false },
        select: {
          shadow: true,
          id: true,
          modelId: true,
          modelVersion: true,
          status: true,
          probability: true,
          finding: true,
          critical: true,
          urgent: true,
          reason: true,
          keySliceIndex: true,
          keySliceInstanceNumber: true,
          keySliceProbability: true,
          studyRevision: true,
          seriesInstanceUid: true,
          createdAt: true,
          timings: true,
          // Whether a preview exists, without sending its bytes (the PNG has its own URL).
          feedback: { where: { userId: viewerId ?? "" }, select: { verdict: true, comment: true, at: true } },
        },
        orderBy: { createdAt: "desc" },
      },
      source: { select: { name: true } },
      routeReason: true,
      assignedTo: { select: { id: true, name: true } },
    },
  });
  if (!study) throw new NotFoundError("Study", studyId);
  const history = await db.auditEvent.findMany({
    where: { studyId },
    orderBy: { at: "asc" },
    take: 200,
    select: { id: true, at: true, action: true, details: true, actor: { select: { name: true } } },
  });
  const computed = computePriority(toPriorityInput(study as PriorityColumns), config, now);
  // Why it is on this list at all comes first: the routing rule, and who it is assigned to.
  const priority = {
    ...computed,
    reasons: [
      ...(study.assignedTo && study.readingState !== "READ" ? [`assigned to ${study.assignedTo.name}`] : []),
      ...(study.routeReason ? [study.routeReason] : []),
      ...computed.reasons,
    ],
  };
  const withPreview = new Set(
    (await db.aiResult.findMany({ where: { studyId, preview: { not: null } }, select: { id: true } })).map((r) => r.id),
  );
  const aiResults = study.aiResults.map(({ feedback, ...r }) => ({
    ...r,
    current: r.studyRevision === study.revision,
    myFeedback: feedback[0] ?? null,
    previewUrl: withPreview.has(r.id) ? `/api/ai-results/${r.id}/preview` : null,
    modelCardUrl: `/models/${r.modelId}/card`,
  }));
  return {
    ...study,
    aiResults,
    priority,
    history,
    viewerUrl: viewerUrl(rules.viewerUrlTemplate, study),
    // Through ReadNext, so opening the viewer is audited (app/api/studies/[id]/viewer).
    viewerLink: `/api/studies/${encodeURIComponent(studyId)}/viewer`,
    claimTimeoutMinutes: rules.claimTimeoutMinutes,
  };
}

/** The study panel for a person: its details, and an audit event that they saw them. */
export async function viewStudyDetail(
  db: Db,
  studyId: string,
  viewer: { id: string; origin?: RequestOrigin; seesShadowResults?: boolean },
) {
  const detail = await getStudyDetail(db, studyId, viewer.id, new Date(), {
    seesShadowResults: viewer.seesShadowResults ?? false,
  });
  await recordPatientDataView(db, {
    actorId: viewer.id,
    studyId,
    action: "study.view",
    origin: viewer.origin ?? { ip: null, userAgent: null },
  });
  return detail;
}

/** Where a study opens in the viewer (the site's launch template), for the audited redirect. */
export async function studyViewerUrl(db: Db, studyId: string): Promise<string | null> {
  const study = await db.study.findUnique({
    where: { id: studyId.slice(0, 100) },
    select: { studyInstanceUid: true, accessionNumber: true, patientId: true },
  });
  return study ? viewerUrl((await getWorklistRules(db)).viewerUrlTemplate, study) : null;
}

/** The key-slice PNG of one AI result, with its study (for the audit of who saw it). */
export async function getAiResultPreviewWithStudy(
  db: Db,
  aiResultId: string,
): Promise<{ png: Uint8Array<ArrayBuffer>; studyId: string } | null> {
  const result = await db.aiResult.findUnique({
    where: { id: aiResultId.slice(0, 100) },
    select: { preview: true, studyId: true },
  });
  return result?.preview ? { png: Uint8Array.from(result.preview), studyId: result.studyId } : null;
}

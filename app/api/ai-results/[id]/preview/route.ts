import { db } from "@/server/db/client";
import { recordIdParam, userWithRole } from "@/server/api/http-guards";
import { getAiResultPreviewWithStudy } from "@/server/worklist/study-detail";
import { recordPatientDataView, requestOrigin } from "@/server/audit/patient-data-views";

export const dynamic = "force-dynamic";

/** The key-slice PNG of one AI result, for the roles that read the worklist (it is patient data: audited). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const allowed = await userWithRole(db(), request, ["radiologist", "chair", "scheduler"]);
  if ("response" in allowed) return allowed.response;
  const id = recordIdParam((await params).id);
  const preview = id ? await getAiResultPreviewWithStudy(db(), id) : null;
  if (!preview) return new Response("No preview\n", { status: 404 });
  await recordPatientDataView(db(), {
    actorId: allowed.user.id,
    studyId: preview.studyId,
    action: "study.view-key-image",
    origin: requestOrigin(request.headers),
  });
  // Not kept by the browser: a shared workstation's cache holds no patient images, and each look is audited.
  return new Response(preview.png, { headers: { "Content-Type": "image/png", "Cache-Control": "no-store" } });
}

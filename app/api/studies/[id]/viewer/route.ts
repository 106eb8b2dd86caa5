import { db } from "@/server/db/client";
import { recordIdParam, userWithRole } from "@/server/api/http-guards";
import { studyViewerUrl } from "@/server/worklist/study-detail";
import { recordPatientDataView, requestOrigin } from "@/server/audit/patient-data-views";

export const dynamic = "force-dynamic";

/** "Open in viewer": records who opened which study, then sends the browser to the site's viewer. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const allowed = await userWithRole(db(), request, ["radiologist", "chair", "scheduler"]);
  if ("response" in allowed) return allowed.response;
  const studyId = recordIdParam((await params).id);
  const target = studyId ? await studyViewerUrl(db(), studyId) : null;
  if (!studyId || !target) return new Response("No such study\n", { status: 404 });
  await recordPatientDataView(db(), {
    actorId: allowed.user.id,
    studyId,
    action: "study.open-viewer",
    origin: requestOrigin(request.headers),
  });
  return new Response(null, { status: 302, headers: { Location: new URL(target, request.url).toString() } });
}

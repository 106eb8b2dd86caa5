import { db } from "@/server/db/client";
import { userWithRole } from "@/server/api/http-guards";
import { getAiResultPreview } from "@/server/worklist/study-detail";

export const dynamic = "force-dynamic";

/** The key-slice PNG of one AI result, for the roles that read the worklist (it is patient data). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const allowed = await userWithRole(db(), request, ["radiologist", "chair", "scheduler"]);
  if ("response" in allowed) return allowed.response;
  const png = await getAiResultPreview(db(), (await params).id);
  if (!png) return new Response("No preview\n", { status: 404 });
  return new Response(png, { headers: { "Content-Type": "image/png", "Cache-Control": "private, max-age=3600" } });
}

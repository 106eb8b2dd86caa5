import { db } from "@/server/db/client";
import { getCurrentUser } from "@/server/auth/current-user";

export const dynamic = "force-dynamic";

/** The key-slice PNG of one AI result, for signed-in readers (it is patient data). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser(db(), request.headers);
  if (!user) return new Response("Sign in first\n", { status: 401 });
  if (!user.roles.some((r) => r === "radiologist" || r === "chair" || r === "scheduler")) return new Response("Not for your role\n", { status: 403 });
  const { id } = await params;
  const result = await db().aiResult.findUnique({ where: { id: id.slice(0, 100) }, select: { preview: true } });
  if (!result?.preview) return new Response("No preview\n", { status: 404 });
  return new Response(new Uint8Array(result.preview), { headers: { "Content-Type": "image/png", "Cache-Control": "private, max-age=3600" } });
}

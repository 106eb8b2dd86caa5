import { db } from "@/server/db/client";
import { checkHealth } from "@/server/ops/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth(db());
  return Response.json(health, { status: health.status === "ok" ? 200 : 503 });
}

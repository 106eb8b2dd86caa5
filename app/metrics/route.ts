import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { buildMetricsRegistry } from "@/server/ops/prometheus-metrics";
import { bearerTokenMatches } from "@/server/api/http-guards";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint: queue, results, scoring time, arrival-to-verdict lag. */
export async function GET(request: Request) {
  const token = env().METRICS_TOKEN;
  if (token && !bearerTokenMatches(request.headers.get("authorization"), token))
    return new Response("Bearer token required (METRICS_TOKEN)\n", {
      status: 401,
      headers: { "WWW-Authenticate": "Bearer" },
    });
  const registry = buildMetricsRegistry(db());
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType } });
}

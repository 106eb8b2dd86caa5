import { timingSafeEqual } from "node:crypto";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { buildMetricsRegistry } from "@/server/services/prometheus-metrics";

export const dynamic = "force-dynamic";

function authorised(request: Request): boolean {
  const token = env().METRICS_TOKEN;
  if (!token) return true;
  const given = Buffer.from(request.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Prometheus scrape endpoint: queue, results, scoring time, arrival-to-verdict lag. */
export async function GET(request: Request) {
  if (!authorised(request)) return new Response("Bearer token required (METRICS_TOKEN)\n", { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
  const registry = buildMetricsRegistry(db());
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType } });
}

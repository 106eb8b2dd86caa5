import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createContext } from "@/server/api/context";

export const dynamic = "force-dynamic";

/** Next's gzip skips answers under this size only when it knows their length, which a route's answer never gives it. */
const COMPRESS_FROM_BYTES = 1024;

async function handler(req: Request) {
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext(req.headers),
  });
  if (res.headers.get("content-type")?.startsWith("text/event-stream") || !res.body) return res; // live subscriptions stream on
  // Small answers (Next case, Mark read, a heartbeat) go out as they are: compressing them saves
  // nothing and opens a zlib stream per answer, ~0.4 ms of CPU. Larger ones (list pages) are gzipped.
  const body = await res.arrayBuffer();
  if (body.byteLength >= COMPRESS_FROM_BYTES)
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  const headers = new Headers(res.headers);
  headers.set("cache-control", [headers.get("cache-control"), "no-transform"].filter(Boolean).join(", "));
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
}

export { handler as GET, handler as POST };

import { z } from "zod";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { markReadByAccession } from "@/server/worklist/claims";
import { NotFoundError } from "@/server/core/errors";
import { bearerTokenMatches } from "@/server/api/http-guards";

export const dynamic = "force-dynamic";

const body = z.object({ accessionNumber: z.string().trim().min(1).max(64) });

/**
 * POST /api/ris/read {"accessionNumber": "..."} with "Authorization: Bearer $RIS_API_TOKEN":
 * the RIS or reporting system marks a study read, since that is usually where reading ends.
 */
export async function POST(request: Request) {
  const token = env().RIS_API_TOKEN;
  if (!token)
    return Response.json({ error: "The RIS endpoint is off: set RIS_API_TOKEN to enable it." }, { status: 503 });
  if (!bearerTokenMatches(request.headers.get("authorization"), token))
    return Response.json({ error: "Missing or wrong bearer token." }, { status: 401 });
  let parsed;
  try {
    parsed = body.safeParse(await request.json());
  } catch {
    return Response.json({ error: 'Body must be JSON: {"accessionNumber": "..."}' }, { status: 400 });
  }
  if (!parsed.success)
    return Response.json(
      { error: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") },
      { status: 400 },
    );
  try {
    return Response.json(await markReadByAccession(db(), parsed.data.accessionNumber));
  } catch (error) {
    if (error instanceof NotFoundError) return Response.json({ error: error.message }, { status: 404 });
    throw error;
  }
}

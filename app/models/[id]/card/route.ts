import { readFile } from "node:fs/promises";
import path from "node:path";
import { env } from "@/server/env";
import { db } from "@/server/db/client";
import { localValidationSection } from "@/server/models/local-validation";
import { userWithRole } from "@/server/api/http-guards";
import { ROLES } from "@/lib/roles";

export const dynamic = "force-dynamic";

/** A model's card (MODEL_CARD.md beside its manifest), as plain text, with this site's local validation after the manifest's claims. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Model ids are lower-case letters, digits and dashes (manifest rule): nothing else reaches the file system.
  if (!/^[a-z0-9][a-z0-9-]{1,40}$/.test(id)) return new Response("No such model\n", { status: 404 });
  try {
    const card = await readFile(path.join(env().MODELS_DIR, id, "MODEL_CARD.md"), "utf8");
    // The site's own figures are for its staff: shown to anyone signed in, the vendor's card to all.
    const signedIn = await userWithRole(db(), request, ROLES);
    const local = "user" in signedIn ? await localValidationSection(db(), id) : null;
    const text = local
      ? `${card.trimEnd()}\n\n# This site's own validation (ReadNext, models:validate-local)\n\n${local}\n`
      : card;
    return new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
  } catch {
    return new Response(`No model card for ${id}\n`, { status: 404 });
  }
}

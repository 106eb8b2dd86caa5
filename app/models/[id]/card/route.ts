import { readFile } from "node:fs/promises";
import path from "node:path";
import { env } from "@/server/env";

export const dynamic = "force-dynamic";

/** A model's card (MODEL_CARD.md beside its manifest), as plain text. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Model ids are lower-case letters, digits and dashes (manifest rule): nothing else reaches the file system.
  if (!/^[a-z0-9][a-z0-9-]{1,40}$/.test(id)) return new Response("No such model\n", { status: 404 });
  try {
    const text = await readFile(path.join(env().MODELS_DIR, id, "MODEL_CARD.md"), "utf8");
    return new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
  } catch {
    return new Response(`No model card for ${id}\n`, { status: 404 });
  }
}

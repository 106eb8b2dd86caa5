import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A models folder with the demo models and a second version of ich-headct, 1.1.0: the same
 * network under a new version (`change` may edit its manifest). Workers load the folders in
 * name order, so 1.0.0 is met first and goes live; 1.1.0, a new version of a known model, starts in shadow.
 */
export function modelsFolderWithNewVersion(
  label: string,
  change: (manifest: Record<string, unknown>) => void = () => undefined,
): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `readnext-models-${label}-`));
  for (const id of ["ich-headct", "ptx-cxr"]) cpSync(path.join("models", id), path.join(dir, id), { recursive: true });
  cpSync("models/ich-headct", path.join(dir, "ich-headct-v2"), { recursive: true });
  const file = path.join(dir, "ich-headct-v2", "manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  manifest.version = "1.1.0";
  change(manifest);
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

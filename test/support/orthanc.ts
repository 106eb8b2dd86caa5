import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startOrthanc, type RunningOrthanc } from "@/server/runtime/orthanc";
import { freePort } from "./test-database";

/** A real Orthanc for one test file: temp storage, a free loopback port, optional basic-auth users. */
export async function startTestOrthanc(options: { users?: Record<string, string>; dir?: string; port?: number; stableAgeSeconds?: number } = {}): Promise<RunningOrthanc & { dir: string; port: number }> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), "readnext-orthanc-"));
  const port = options.port ?? (await freePort());
  const orthanc = await startOrthanc({ dir, port, users: options.users, stableAgeSeconds: options.stableAgeSeconds });
  return { ...orthanc, dir, port };
}

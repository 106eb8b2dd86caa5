import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startOrthanc, type RunningOrthanc } from "@/server/runtime/orthanc";
import { freePort } from "./test-database";

export type TestOrthanc = Omit<RunningOrthanc, "stop"> & {
  dir: string;
  port: number;
  /** Stops Orthanc and deletes its storage, unless it is kept for a restart on the same dir. */
  stop(options?: { keepStorage?: boolean }): Promise<void>;
};

/** A real Orthanc for one test file: temp storage, a free loopback port, optional basic-auth users. */
export async function startTestOrthanc(
  options: { users?: Record<string, string>; dir?: string; port?: number; stableAgeSeconds?: number } = {},
): Promise<TestOrthanc> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), "readnext-orthanc-"));
  const port = options.port ?? (await freePort());
  const orthanc = await startOrthanc({ dir, port, users: options.users, stableAgeSeconds: options.stableAgeSeconds });
  return {
    ...orthanc,
    dir,
    port,
    async stop({ keepStorage = false } = {}) {
      await orthanc.stop();
      if (!keepStorage) rmSync(dir, { recursive: true, force: true });
    },
  };
}

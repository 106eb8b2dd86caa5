import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const NEXT_BIN = path.resolve("node_modules/next/dist/bin/next");
const SOURCE_DIRS = ["app", "server", "lib"];
/** Files at the top that change what is built. */
const SOURCE_FILES = ["proxy.ts", "instrumentation-client.ts", "next.config.ts", "package-lock.json"];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when .next holds a production build newer than every source file. */
export function webBuildIsCurrent(): boolean {
  const marker = ".next/BUILD_ID";
  if (!existsSync(marker)) return false;
  const built = statSync(marker).mtimeMs;
  return (
    SOURCE_DIRS.every((d) => newestMtime(d) < built) &&
    SOURCE_FILES.every((f) => !existsSync(f) || statSync(f).mtimeMs < built)
  );
}

/** Runs `next build` when the build is missing or stale; returns false when the build failed. */
export function buildWebAppIfNeeded(env: NodeJS.ProcessEnv, log: (line: string) => void = console.log): boolean {
  if (webBuildIsCurrent()) return true;
  log("Building the web app (first start, or sources changed)…");
  const result = spawnSync(process.execPath, [NEXT_BIN, "build"], {
    stdio: "inherit",
    env: { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  return result.status === 0;
}

export function startWebApp(options: {
  dev: boolean;
  host: string;
  port: number;
  env: NodeJS.ProcessEnv;
  quiet?: boolean;
}): ChildProcess {
  return spawn(
    process.execPath,
    [NEXT_BIN, options.dev ? "dev" : "start", "-p", String(options.port), "-H", options.host],
    {
      stdio: options.quiet ? ["ignore", "pipe", "pipe"] : "inherit",
      env: { ...options.env, NODE_ENV: options.dev ? "development" : "production", NEXT_TELEMETRY_DISABLED: "1" },
    },
  );
}

/** Polls /api/health until the server answers 200 or the deadline passes. */
export async function waitForHealthy(baseUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${baseUrl} did not become healthy within ${timeoutMs} ms (${last})`);
}

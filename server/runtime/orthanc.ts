import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../env";

export type RunningOrthanc = { baseUrl: string; dicomWebUrl: string; process: ChildProcess; stop: () => Promise<void> };

export function orthancPaths(): { binary: string; dicomWebPlugin: string } {
  const config = env();
  return { binary: config.ORTHANC_BINARY, dicomWebPlugin: config.ORTHANC_DICOMWEB_PLUGIN };
}

export function orthancInstalled(): boolean {
  const { binary, dicomWebPlugin } = orthancPaths();
  return existsSync(binary) && existsSync(dicomWebPlugin);
}

/**
 * Starts a private Orthanc: HTTP on 127.0.0.1 only (RemoteAccessAllowed false),
 * DICOM port off, DicomWeb plugin loaded (never GDCM: it crashes on transcoding),
 * storage under `dir`. StableAge 1 s so "study complete" arrives quickly.
 */
export async function startOrthanc(options: {
  dir: string;
  port: number;
  users?: Record<string, string>;
  log?: (line: string) => void;
  /** Seconds without a new instance before Orthanc calls a study stable (default 1). */
  stableAgeSeconds?: number;
}): Promise<RunningOrthanc> {
  const { binary, dicomWebPlugin } = orthancPaths();
  if (!orthancInstalled()) {
    throw new Error(
      `Orthanc is not installed (${binary}, ${dicomWebPlugin}): run \`apt-get install -y orthanc orthanc-dicomweb\` (Debian/Ubuntu), or set DICOMWEB_URL to your PACS.`,
    );
  }
  mkdirSync(path.join(options.dir, "storage"), { recursive: true });
  const config = {
    Name: "ReadNext demo PACS",
    StorageDirectory: path.join(options.dir, "storage"),
    IndexDirectory: path.join(options.dir, "storage"),
    HttpPort: options.port,
    HttpServerEnabled: true,
    RemoteAccessAllowed: false,
    DicomServerEnabled: false,
    AuthenticationEnabled: Boolean(options.users),
    RegisteredUsers: options.users ?? {},
    StableAge: options.stableAgeSeconds ?? 1,
    ConcurrentJobs: 2,
    HttpTimeout: 60,
    Plugins: [dicomWebPlugin],
    DicomWeb: {
      Enable: true,
      Root: "/dicom-web/",
      EnableWado: true,
      Ssl: false,
      StudiesMetadata: "MainDicomTags",
      SeriesMetadata: "Full",
    },
  };
  const configFile = path.join(options.dir, "orthanc.json");
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const child = spawn(binary, [configFile], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    options.log?.(chunk.toString().trimEnd());
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const auth = options.users ? Object.entries(options.users)[0] : undefined;
  const headers: Record<string, string> = auth
    ? { authorization: `Basic ${Buffer.from(`${auth[0]}:${auth[1]}`).toString("base64")}` }
    : {};
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited with code ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/system`, { headers });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Orthanc did not answer on ${baseUrl} within 20 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    baseUrl,
    dicomWebUrl: `${baseUrl}/dicom-web`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
      }),
  };
}

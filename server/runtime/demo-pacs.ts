import { execFileSync } from "node:child_process";
import { userInfo } from "node:os";
import path from "node:path";
import { existsSync } from "node:fs";
import { generateStudy } from "@/lib/synthetic/studies";
import { planDemoStudies } from "@/lib/synthetic/demo-day";
import { DicomWebAdapter } from "../pacs/dicomweb-adapter";
import { configForUrl } from "../pacs/source-config";
import { DEBIAN_ORTHANC_BINARY } from "../env";
import { keepRunning } from "../keep-running";
import { orthancInstalled, orthancPaths, startOrthanc, type RunningOrthanc } from "./orthanc";

/**
 * Makes sure Orthanc is there for the demo PACS: installs it from Debian's packages when we
 * may (root, apt-get, the default Debian paths); otherwise returns what the user has to do.
 */
export function ensureOrthancInstalled(log: (line: string) => void): { ok: true } | { ok: false; reason: string } {
  if (orthancInstalled()) return { ok: true };
  const { binary, dicomWebPlugin } = orthancPaths();
  const debianPaths = binary === DEBIAN_ORTHANC_BINARY;
  const canInstall = debianPaths && userInfo().uid === 0 && existsSync("/usr/bin/apt-get");
  if (canInstall) {
    log("Installing the demo PACS (apt-get install -y orthanc orthanc-dicomweb)…");
    try {
      execFileSync("apt-get", ["update"], { stdio: "inherit" });
      execFileSync("apt-get", ["install", "-y", "orthanc", "orthanc-dicomweb"], {
        stdio: "inherit",
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
    } catch (error) {
      log(`Could not install Orthanc: ${(error as Error).message}`);
    }
    if (orthancInstalled()) return { ok: true };
  }
  const missing = [binary, dicomWebPlugin].filter((p) => !existsSync(p)).join(" and ");
  const howTo = existsSync("/usr/bin/apt-get")
    ? "install it (sudo apt-get install -y orthanc orthanc-dicomweb) and run npm start again"
    : "install an Orthanc build with its DICOMweb plugin and set ORTHANC_BINARY and ORTHANC_DICOMWEB_PLUGIN to them";
  return {
    ok: false,
    reason: `The demo PACS needs Orthanc, which is not installed (${missing} not found): ${howTo}, or set DICOMWEB_URL to your PACS.`,
  };
}

/**
 * Starts the demo Orthanc, started again whenever it exits on its own; or says why it cannot run
 * on this machine (everything else still starts).
 */
export async function startDemoPacs(
  dataDir: string,
  port: number,
  log: (line: string) => void,
): Promise<{ pacs: RunningOrthanc } | { unavailable: string }> {
  const installed = ensureOrthancInstalled(log);
  if (!installed.ok) return { unavailable: installed.reason };
  const dir = path.join(path.resolve(dataDir), "orthanc");
  const kept = await keepRunning("The demo PACS (Orthanc)", () => startOrthanc({ dir, port }), log);
  const { baseUrl, dicomWebUrl } = kept.current();
  return {
    pacs: {
      baseUrl,
      dicomWebUrl,
      get process() {
        return kept.current().process;
      },
      stop: kept.stop,
    },
  };
}

function stowAdapter(dicomWebUrl: string) {
  return new DicomWebAdapter(configForUrl(dicomWebUrl, { name: "Demo PACS" }));
}

/** Fills an empty demo PACS with a day of synthetic studies; leaves a non-empty one alone. */
export async function loadDemoDay(pacs: RunningOrthanc, count: number, log: (line: string) => void): Promise<number> {
  const existing = (await (await fetch(`${pacs.baseUrl}/statistics`)).json()) as { CountStudies: number };
  if (existing.CountStudies > 0 || count === 0) return 0;
  log(`Loading ${count} synthetic studies into the demo PACS…`);
  const adapter = stowAdapter(pacs.dicomWebUrl);
  for (const options of planDemoStudies(20261128, count, new Date()))
    await adapter.storeInstances(generateStudy(options).instances);
  return count;
}

/** Sends one new synthetic study every `seconds`, so the demo worklist keeps moving. */
export function startDemoTrickle(pacs: RunningOrthanc, seconds: number, log: (line: string) => void): () => void {
  if (seconds <= 0) return () => undefined;
  const adapter = stowAdapter(pacs.dicomWebUrl);
  let n = Date.now() % 100_000;
  const timer = setInterval(() => {
    const [options] = planDemoStudies(n++, 1, new Date());
    adapter
      .storeInstances(generateStudy({ ...options!, studyDateTime: new Date() }).instances)
      .catch((e: Error) => log(`demo trickle: ${e.message}`));
  }, seconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

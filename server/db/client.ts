import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { createHash } from "node:crypto";
import { Prisma as PrismaNs, PrismaClient } from "./generated/client";
import { env } from "../env";
import { log } from "../log";

export type Db = PrismaClient;
export type { Prisma } from "./generated/client";

/** Starts a statement Postgres should keep prepared per connection (see `cachedPlan`). */
const PREPARED_MARK = "/* prepared */";

/**
 * Marks a hot, fixed-shape query (Next case, the first worklist pages) to be prepared once per
 * connection and then executed with a cached plan: planning its unions costs ~2.5 ms,
 * five times their execution. Only marked queries are named, so the number of prepared
 * statements per connection stays bounded by the few shapes the code writes.
 */
export function cachedPlan(query: PrismaNs.Sql): PrismaNs.Sql {
  return PrismaNs.sql`${PrismaNs.raw(PREPARED_MARK)} ${query}`;
}

function statementName(query: { sql: string }): string {
  // pg treats an undefined name as an unnamed (unprepared) statement.
  if (!query.sql.startsWith(PREPARED_MARK)) return undefined as unknown as string;
  return `rn_${createHash("sha1").update(query.sql).digest("hex").slice(0, 24)}`;
}

/** The pg pool under each client: Prisma runs on it, and so does `hotQuery`. */
const pools = new WeakMap<Db, pg.Pool>();

/**
 * Per client, a second pool whose connections use a statement's generic plan from its first
 * run (plan_cache_mode, set at connect: a SET would outlive the session behind a transaction
 * pooler), opened on first use with up to half as many connections (Postgres keeps about 0.7 MB
 * per reader shape on each; under 20 readers pressing at once five did as well as ten). For Next case:
 * Postgres otherwise plans each press afresh, and planning a reader's walks (three index walks
 * per reading group over a table with many indexes) took longer than running them.
 */
type GenericPool = { url: string; size: number; pool?: pg.Pool; refused?: boolean };
const genericPools = new WeakMap<Db, GenericPool>();

export function createDb(databaseUrl: string, poolSize = env().DATABASE_POOL_SIZE): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle connection the server closes (a restart, idle_session_timeout, a dropped test
  // database) is dropped from the pool and the next query opens another; unheard, pg's
  // 'error' event would end the process.
  pool.on("error", (error) => log.warn({ err: error.message }, "an idle database connection was closed"));
  const client = new PrismaClient({
    adapter: new PrismaPg(pool, { statementNameGenerator: statementName, disposeExternalPool: true }),
    // The reason alone: the default "pretty" format adds a code frame, ~20 lines per logged error.
    errorFormat: "minimal",
  });
  pools.set(client, pool);
  const generic: GenericPool = { url: databaseUrl, size: poolSize };
  genericPools.set(client, generic);
  // $disconnect closes both pools: Prisma's adapter ends the main one only if Prisma itself
  // connected, and a process that ran hotQuery alone would keep its connections open (and, when
  // the server closed them, hear their errors) until the pools' idle timeout.
  const disconnect = client.$disconnect.bind(client);
  client.$disconnect = async () => {
    await disconnect();
    const open = [pool, generic.pool].filter((p): p is pg.Pool => p !== undefined && !p.ending);
    generic.pool = undefined;
    await Promise.all(open.map((p) => p.end()));
  };
  return client;
}

// Prisma stores DateTime as UTC in `timestamp without time zone`; read and write it the same way.
const UTC_TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === 1114
      ? (text: string) => new Date(`${text.replace(" ", "T")}Z`)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};
const utc = (d: Date) => d.toISOString().replace("T", " ").replace("Z", "");

/**
 * A raw query for the hottest path (Next case under many simultaneous presses): the same
 * SQL as `db.$queryRaw`, sent straight to the pool Prisma runs on. Prisma's client spends
 * ~0.8 ms of CPU on every query, even `SELECT 1`, against ~0.2 ms for pg itself; when
 * twenty readers press at once on one Node process that is what they queue for. Marked
 * with `cachedPlan`, the statement is prepared per connection like Prisma's. Dates go in
 * and come out as UTC, as Prisma stores them; other values are pg's own types.
 *
 * `genericPlan`: run on the generic-plan pool (see genericPools). Only for statements whose
 * every choice of index is clear from the statistics and literals, never from a parameter's
 * value (server/db/sql-literals.ts). Where a pooler refuses the connection setting (PgBouncer
 * without `options` in ignore_startup_parameters), the statement runs on the main pool.
 */
export async function hotQuery<T>(db: Db, query: PrismaNs.Sql, options: { genericPlan?: boolean } = {}): Promise<T[]> {
  const main = pools.get(db);
  if (!main) return db.$queryRaw<T[]>(query);
  const values = query.values.map((v) => (v instanceof Date ? utc(v) : v));
  const name = statementName({ sql: query.text });
  const run = (pool: pg.Pool) =>
    pool.query<T & pg.QueryResultRow>({ text: query.text, values, types: UTC_TYPES, ...(name ? { name } : {}) });
  const generic = options.genericPlan ? genericPools.get(db) : undefined;
  if (!generic || generic.refused) return (await run(main)).rows;
  if (!generic.pool) {
    generic.pool = new pg.Pool({
      connectionString: generic.url,
      max: Math.ceil(generic.size / 2),
      options: "-c plan_cache_mode=force_generic_plan",
      // Idle connections neither keep a finished process alive nor crash it when the server
      // closes them (a restart, a dropped test database): the next query opens a new one.
      allowExitOnIdle: true,
    });
    generic.pool.on("error", () => undefined);
  }
  try {
    return (await run(generic.pool)).rows;
  } catch (error) {
    if (!/unsupported startup parameter/i.test(String((error as Error).message))) throw error;
    generic.refused = true;
    void generic.pool.end().catch(() => undefined);
    return (await run(main)).rows;
  }
}

const globalForDb = globalThis as unknown as { readnextDb?: Db; readnextReportsDb?: Db };

/** The process-wide client. Kept on globalThis so Next's dev reloads do not open a pool per reload. */
export function db(): Db {
  if (!globalForDb.readnextDb) {
    const url = env().DATABASE_URL;
    if (!url)
      throw new Error(
        "DATABASE_URL is not set: start ReadNext with `npm start`, which provides a database, or set it.",
      );
    globalForDb.readnextDb = createDb(url);
  }
  return globalForDb.readnextDb;
}

/** The client on DATABASE_REPORTS_URL's read replica, or null when none is set (history views then use `db()`). */
export function reportsDb(): Db | null {
  const url = env().DATABASE_REPORTS_URL;
  if (!url) return null;
  globalForDb.readnextReportsDb ??= createDb(url);
  return globalForDb.readnextReportsDb;
}

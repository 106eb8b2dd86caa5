import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { createHash } from "node:crypto";
import { Prisma as PrismaNs, PrismaClient } from "./generated/client";
import { env } from "../env";

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

export function createDb(databaseUrl: string, poolSize = env().DATABASE_POOL_SIZE): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const client = new PrismaClient({
    adapter: new PrismaPg(pool, { statementNameGenerator: statementName, disposeExternalPool: true }),
    // The reason alone: the default "pretty" format adds a code frame, ~20 lines per logged error.
    errorFormat: "minimal",
  });
  pools.set(client, pool);
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
 */
export async function hotQuery<T>(db: Db, query: PrismaNs.Sql): Promise<T[]> {
  const pool = pools.get(db);
  if (!pool) return db.$queryRaw<T[]>(query);
  const values = query.values.map((v) => (v instanceof Date ? utc(v) : v));
  const name = statementName({ sql: query.text });
  const result = await pool.query<T & pg.QueryResultRow>({
    text: query.text,
    values,
    types: UTC_TYPES,
    ...(name ? { name } : {}),
  });
  return result.rows;
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

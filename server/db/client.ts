import { PrismaPg } from "@prisma/adapter-pg";
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

export function createDb(databaseUrl: string): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }, { statementNameGenerator: statementName }) });
}

const globalForDb = globalThis as unknown as { readnextDb?: Db };

/** The process-wide client. Kept on globalThis so Next's dev reloads do not open a pool per reload. */
export function db(): Db {
  if (!globalForDb.readnextDb) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start ReadNext with `npm start`, which provides a database, or set it.");
    globalForDb.readnextDb = createDb(url);
  }
  return globalForDb.readnextDb;
}

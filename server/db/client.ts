import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { env } from "../env";

export type Db = PrismaClient;
export type { Prisma } from "./generated/client";

export function createDb(databaseUrl: string): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
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

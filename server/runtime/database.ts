import path from "node:path";
import { env } from "../env";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { migrateDatabase } from "../db/migrate";

export type RunningDatabase = { url: string; embedded: boolean; stop: () => Promise<void> };

/**
 * The database ReadNext runs on: DATABASE_URL when set, otherwise an embedded
 * Postgres under DATA_DIR/pg. Migrations are applied before it is handed out.
 */
export async function provideDatabase(log: (line: string) => void = console.log): Promise<RunningDatabase> {
  const config = env();
  let running: RunningDatabase;
  if (config.DATABASE_URL) {
    running = { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  } else {
    log(
      `Starting embedded Postgres on 127.0.0.1:${config.EMBEDDED_PG_PORT} (data in ${path.join(config.DATA_DIR, "pg")})…`,
    );
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(config.DATA_DIR, "pg"),
      port: config.EMBEDDED_PG_PORT,
      database: "readnext",
      log,
      supervise: true,
    });
    if (pg.dataDir !== path.resolve(config.DATA_DIR, "pg"))
      log(`  (the postgres user cannot reach ${config.DATA_DIR}; data is in ${pg.dataDir})`);
    running = { url: pg.url, embedded: true, stop: pg.stop };
  }
  const applied = await migrateDatabase(running.url);
  log(applied.length ? `Applied migrations: ${applied.join(", ")}` : "Database schema is up to date.");
  return running;
}

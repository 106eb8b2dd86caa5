import { mkdtempSync, mkdirSync, writeFileSync, cpSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase, MIGRATIONS_DIR, readMigrations } from "@/server/db/migrate";
import { createTestDatabase } from "../support/test-database";
import { checkHealth } from "@/server/ops/health";
import { createDb } from "@/server/db/client";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function count(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(sql);
  await client.end();
  return Number(rows[0].n);
}

describe("the project's migrate step", () => {
  it("is idempotent and safe to run from several processes at once", async () => {
    const url = process.env.DATABASE_URL!;
    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
    expect(results.flat()).toEqual([]);
    expect(await count(url, `SELECT count(*) AS n FROM "_prisma_migrations"`)).toBe(readMigrations().length);
  });

  it("applies a new migration once, and refuses an edited applied one", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "readnext-migrations-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const { url, drop } = await createTestDatabase("migrate");
    cleanups.push(drop);
    mkdirSync(path.join(dir, "29990101000000_add_note"));
    writeFileSync(
      path.join(dir, "29990101000000_add_note", "migration.sql"),
      `ALTER TABLE "Study" ADD COLUMN "note" TEXT;`,
    );
    expect(await migrateDatabase(url, dir)).toEqual(["29990101000000_add_note"]);
    expect(await migrateDatabase(url, dir)).toEqual([]);
    writeFileSync(
      path.join(dir, "29990101000000_add_note", "migration.sql"),
      `ALTER TABLE "Study" ADD COLUMN "note2" TEXT;`,
    );
    await expect(migrateDatabase(url, dir)).rejects.toThrow(/29990101000000_add_note was changed/);
  });

  it("rolls back a failing migration completely", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "readnext-migrations-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    mkdirSync(path.join(dir, "29990101000000_broken"));
    writeFileSync(
      path.join(dir, "29990101000000_broken", "migration.sql"),
      `CREATE TABLE "Half" (id int); SELECT * FROM no_such_table;`,
    );
    const { url, drop } = await createTestDatabase("migrate_broken");
    cleanups.push(drop);
    await expect(migrateDatabase(url, dir)).rejects.toThrow(/29990101000000_broken failed: .*no_such_table/);
    expect(await count(url, `SELECT count(*) AS n FROM pg_tables WHERE tablename = 'Half'`)).toBe(0);
  });
});

describe("health", () => {
  it("reports a reachable database, and an unreachable one as degraded", async () => {
    expect((await checkHealth(createDb(process.env.DATABASE_URL!))).database.ok).toBe(true);
    const down = await checkHealth(createDb("postgresql://nobody:nothing@127.0.0.1:1/none"));
    expect(down.status).toBe("degraded");
    expect(down.database.error).toBeTruthy();
  });
});

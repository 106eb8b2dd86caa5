import { db, type Db } from "@/server/db/client";
import { createUser } from "@/server/users/users";
import { createSource, type SourceInput } from "@/server/pacs/pacs-sources";
import { forgetSettings } from "@/server/core/settings";
import type { RoleName } from "@/lib/roles";
import type { CurrentUser } from "@/server/auth/current-user";

export function testDb(): Db {
  return db();
}

/** Empties every application table (not the migrations bookkeeping) so each test starts clean. */
export async function resetDatabase(database: Db = db()): Promise<void> {
  const tables = await database.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  if (tables.length === 0) return;
  await database.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} CASCADE`);
  // Settings are cached for a few seconds: an earlier test's saved rules must not outlive its rows.
  forgetSettings();
}

let counter = 0;

export async function makeUser(roles: RoleName[], password = "correct-horse-battery"): Promise<CurrentUser> {
  counter += 1;
  const user = await createUser(db(), null, {
    name: `Test ${roles.join("+") || "none"} ${counter}`,
    email: `user${counter}-${Date.now()}@test.local`,
    password,
    roles,
  });
  return { id: user.id, name: user.name, email: user.email, roles: user.roles, sessionId: null };
}

/** A PACS source no worker syncs (disabled, unreachable address): a home for studies a test writes itself. */
export async function makeOfflineSource(): Promise<string> {
  const source = await createSource(db(), null, {
    name: `offline ${++counter}`,
    baseUrl: "http://127.0.0.1:9/dicom-web",
    authType: "none",
    timeoutMs: 1000,
    capabilities: {},
    locationTag: "00380300",
    backfillDays: 1,
    syncIntervalSeconds: 60,
    enabled: false,
  });
  return source.id;
}

/** Empties pg-boss's job table (when a worker has created it): jobs of earlier tests would point at studies that are gone. */
export async function clearJobQueue(database: Db = db()): Promise<void> {
  await database.$executeRawUnsafe(
    `DO $$ BEGIN IF to_regclass('pgboss.job') IS NOT NULL THEN DELETE FROM pgboss.job; END IF; END $$`,
  );
}

/** A PACS source for a test Orthanc: no auth, Orthanc's change feed on, sweeps only when asked (hourly). */
export function orthancSource(name: string, dicomWebUrl: string, extra: Partial<SourceInput> = {}): SourceInput {
  return {
    name,
    baseUrl: dicomWebUrl,
    authType: "none",
    timeoutMs: 10_000,
    locationTag: "00380300",
    backfillDays: 2,
    syncIntervalSeconds: 3600,
    enabled: true,
    capabilities: { orthancChangeFeed: true },
    ...extra,
  };
}

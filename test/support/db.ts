import { db, type Db } from "@/server/db/client";
import { createUser } from "@/server/users/users";
import { createSource } from "@/server/pacs/pacs-sources";
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
  return { id: user.id, name: user.name, email: user.email, roles: user.roles };
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

import { describe, expect, inject, it } from "vitest";
import { createDb, hotQuery } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";

describe("the database client", () => {
  it("keeps at most DATABASE_POOL_SIZE connections, shared by Prisma and hotQuery", async () => {
    const db = createDb(inject("databaseUrl"), 2);
    try {
      const pids = await Promise.all(
        Array.from({ length: 6 }, () =>
          hotQuery<{ pid: number }>(db, Prisma.sql`SELECT pg_backend_pid() AS pid, pg_sleep(0.05)`),
        ),
      );
      expect(new Set(pids.map(([r]) => r!.pid)).size).toBe(2);
      const viaPrisma = await db.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      expect(pids.map(([r]) => r!.pid)).toContain(viaPrisma[0]!.pid);
    } finally {
      await db.$disconnect();
    }
  });
});

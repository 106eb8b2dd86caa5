import { describe, expect, inject, it } from "vitest";
import { createServer, connect, type Server } from "node:net";
import { cachedPlan, createDb, hotQuery } from "@/server/db/client";
import { arrayLiteral, textLiteral } from "@/server/db/sql-literals";
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

  it("$disconnect closes both pools' connections, also when only hotQuery ever ran", async () => {
    const url = new URL(inject("databaseUrl"));
    const name = `disconnect_${process.pid}_${Date.now()}`;
    url.searchParams.set("application_name", name);
    const db = createDb(url.toString(), 2);
    const watcher = createDb(inject("databaseUrl"), 1);
    const open = async () =>
      (
        await hotQuery<{ n: number }>(
          watcher,
          Prisma.sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${name}`,
        )
      )[0]!.n;
    try {
      await hotQuery(db, Prisma.sql`SELECT 1`);
      await hotQuery(db, Prisma.sql`SELECT 1`, { genericPlan: true });
      expect(await open()).toBe(2); // one on each pool
      await db.$disconnect();
      await expect.poll(open, { timeout: 3_000 }).toBe(0); // a closed backend leaves pg_stat_activity as it exits
    } finally {
      await watcher.$disconnect();
    }
  });

  it("runs a statement asked to on a generic plan from its first run, on a pool of its own; other statements plan as Postgres chooses", async () => {
    const db = createDb(inject("databaseUrl"), 1);
    try {
      const statement = () =>
        cachedPlan(Prisma.sql`SELECT count(*) AS n FROM "Study" WHERE "firstSeenAt" <= ${new Date()}`);
      for (let i = 0; i < 3; i++) {
        await hotQuery(db, statement(), { genericPlan: true });
        await hotQuery(db, statement());
      }
      // Postgres' own counters, per connection (one each: pool size 1).
      const plans = (genericPlan: boolean) =>
        hotQuery<{ mode: string; generic: number; custom: number }>(
          db,
          Prisma.sql`SELECT current_setting('plan_cache_mode') AS mode, generic_plans::int AS generic, custom_plans::int AS custom
                       FROM pg_prepared_statements WHERE statement LIKE '%FROM "Study" WHERE "firstSeenAt" <=%'`,
          { genericPlan },
        );
      expect(await plans(true)).toEqual([{ mode: "force_generic_plan", generic: 3, custom: 0 }]);
      // The first five runs of a prepared statement are planned afresh in Postgres' default mode.
      expect(await plans(false)).toEqual([{ mode: "auto", generic: 0, custom: 3 }]);
      const [viaMain] = await hotQuery<{ pid: number }>(db, Prisma.sql`SELECT pg_backend_pid() AS pid`);
      const [viaGeneric] = await hotQuery<{ pid: number }>(db, Prisma.sql`SELECT pg_backend_pid() AS pid`, {
        genericPlan: true,
      });
      expect(viaGeneric!.pid).not.toBe(viaMain!.pid);
    } finally {
      await db.$disconnect();
    }
  });

  it("writes text and enum literals that Postgres reads back as the very values, whatever standard_conforming_strings says", async () => {
    const db = createDb(inject("databaseUrl"), 1);
    const nasty = [
      "plain",
      "O'Brien",
      "back\\slash",
      "\\'",
      "''",
      "E'x'",
      "ends with \\",
      "tab\there",
      "ünïcødé ✓",
      "$$dollar$$",
      "--comment",
      'a"quote',
      "",
    ];
    try {
      for (const conforming of ["on", "off"]) {
        await db.$transaction(async (tx) => {
          await tx.$executeRawUnsafe(`SET LOCAL standard_conforming_strings = ${conforming}`);
          for (const value of nasty) {
            const [row] = await tx.$queryRaw<{ v: string }[]>(Prisma.sql`SELECT ${textLiteral(value)}::text AS v`);
            expect(row!.v).toBe(value);
          }
          const [arr] = await tx.$queryRaw<{ v: string[] }[]>(Prisma.sql`SELECT ${arrayLiteral(nasty, "text")} AS v`);
          expect(arr!.v).toEqual(nasty);
        });
      }
      const [empty] = await db.$queryRaw<{ n: number }[]>(
        Prisma.sql`SELECT cardinality(${arrayLiteral([], "text")}) AS n`,
      );
      expect(empty!.n).toBe(0);
      const [enums] = await db.$queryRaw<{ v: string }[]>(
        Prisma.sql`SELECT (${arrayLiteral(["STAT", "LOW"], '"OrderPriority"')})::text AS v`,
      );
      expect(enums!.v).toBe("{STAT,LOW}");
      await expect(
        db.$queryRaw(Prisma.sql`SELECT ${arrayLiteral(["NOT_A_PRIORITY"], '"OrderPriority"')}`),
      ).rejects.toThrow(/invalid input value for enum/);
      expect(() => textLiteral("nul\0char")).toThrow(/NUL/);
    } finally {
      await db.$disconnect();
    }
  });

  it("behind a pooler that refuses the generic-plan pool's startup setting (PgBouncer's 'unsupported startup parameter'), runs those statements on the main pool", async () => {
    // A stand-in for PgBouncer in front of the real server: a connection whose startup packet
    // carries `options` gets PgBouncer's refusal (SQLSTATE 08P01); any other is passed through.
    const target = new URL(inject("databaseUrl"));
    const refusals: string[] = [];
    const proxy: Server = createServer((client) => {
      client.once("data", (first) => {
        const params = first.subarray(8).toString("utf8").split("\0");
        if (params.includes("options")) {
          refusals.push(params[params.indexOf("options") + 1]!);
          const fields = Buffer.from("SFATAL\0C08P01\0Munsupported startup parameter: options\0\0", "utf8");
          const header = Buffer.alloc(5);
          header.write("E", 0);
          header.writeInt32BE(fields.length + 4, 1);
          client.end(Buffer.concat([header, fields]));
          return;
        }
        const server = connect(Number(target.port), target.hostname, () => server.write(first));
        client.pipe(server).pipe(client);
        server.on("error", () => client.destroy());
        client.on("error", () => server.destroy());
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const url = new URL(inject("databaseUrl"));
    url.port = String((proxy.address() as { port: number }).port);
    const db = createDb(url.toString(), 1);
    try {
      const run = () =>
        hotQuery<{ mode: string }>(db, Prisma.sql`SELECT current_setting('plan_cache_mode') AS mode`, {
          genericPlan: true,
        });
      expect(await run()).toEqual([{ mode: "auto" }]); // refused once, then answered on the main pool
      expect(await run()).toEqual([{ mode: "auto" }]);
      expect(refusals).toEqual(["-c plan_cache_mode=force_generic_plan"]); // and not asked again
    } finally {
      await db.$disconnect();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

// DATABASE_LISTEN_URL: LISTEN connections go there, not to the address queries use, so queries can
// go through a transaction-mode pooler (which cannot carry LISTEN). Here the query address is one
// nothing answers on; live events must still arrive, over the listen address.
import { inject, describe, expect, it, vi } from "vitest";
import { listenToChannels } from "@/server/db/listen";
import { testDb } from "../support/db";

vi.hoisted(() => {
  process.env.DATABASE_LISTEN_URL = process.env.DATABASE_URL;
});

describe("DATABASE_LISTEN_URL", () => {
  it("carries LISTEN when the address given for queries cannot", async () => {
    expect(process.env.DATABASE_LISTEN_URL).toBe(inject("databaseUrl"));
    const received: string[] = [];
    const listener = listenToChannels(
      "postgresql://nobody:nothing@127.0.0.1:1/nowhere",
      ["readnext_listen_url_test"],
      (_channel, payload) => received.push(payload),
      "listen-url-test",
    );
    try {
      await Promise.race([
        listener.ready,
        new Promise((_, reject) => setTimeout(() => reject(new Error("LISTEN never subscribed")), 5000)),
      ]);
      await testDb().$executeRaw`SELECT pg_notify('readnext_listen_url_test', 'hello')`;
      await expect.poll(() => received, { timeout: 5000 }).toEqual(["hello"]);
    } finally {
      listener.stop();
    }
  });
});

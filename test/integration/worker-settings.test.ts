import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { once } from "node:events";
import pg from "pg";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { spawnWorker, type WorkerProcess } from "../support/worker-process";
import { saveSetting, SETTINGS_CHANNEL } from "@/server/core/settings";
import { refreshPriorities } from "@/server/worklist/refresh-priority";
import { DEFAULT_PRIORITY_CONFIG } from "@/lib/priority/sla";
import { routingConfigSchema } from "@/lib/routing/routing-config";

const workers: WorkerProcess[] = [];
beforeEach(async () => {
  await resetDatabase();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

describe("a settings change reaches workers", () => {
  it("saving the SLA table sends its key on commit, and a running worker moves open studies' due times (no polling)", async () => {
    const admin = await makeUser(["admin"]);
    const sourceId = await makeOfflineSource();
    const firstSeenAt = new Date(Date.now() - 10 * 60_000);
    const study = await testDb().study.create({
      data: {
        sourceId,
        studyInstanceUid: "1.2.3.4.5",
        firstSeenAt,
        orderPriority: "ROUTINE",
        patientLocation: "OUTPATIENT",
        modalities: ["CT"],
      },
    });
    await refreshPriorities(testDb(), [study.id]);
    // Default table: ROUTINE outpatient is due 24 h after arrival.
    expect((await testDb().study.findUniqueOrThrow({ where: { id: study.id } })).dueAt).toEqual(
      new Date(firstSeenAt.getTime() + 1440 * 60_000),
    );

    const worker = spawnWorker();
    workers.push(worker);
    await worker.waitForLog((l) => l.msg === "worker started", 60_000);

    const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await listener.connect();
    try {
      await listener.query(`LISTEN ${SETTINGS_CHANNEL}`);
      const notified = once(listener, "notification");
      const sla = {
        ...DEFAULT_PRIORITY_CONFIG.sla,
        ROUTINE: { ...DEFAULT_PRIORITY_CONFIG.sla.ROUTINE, OUTPATIENT: 120 },
      };
      await saveSetting(testDb(), admin.id, "priority", { ...DEFAULT_PRIORITY_CONFIG, sla });
      const [message] = (await notified) as [pg.Notification];
      expect(message.payload).toBe("priority");
    } finally {
      await listener.end();
    }
    const line = await worker.waitForLog((l) => l.msg === "priorities recomputed after a settings change", 20_000);
    expect(line).toMatchObject({ why: "priority saved", studies: 1 });
    expect((await testDb().study.findUniqueOrThrow({ where: { id: study.id } })).dueAt).toEqual(
      new Date(firstSeenAt.getTime() + 120 * 60_000),
    );

    // Routing rules the same way: the running worker re-routes the open study.
    expect((await testDb().study.findUniqueOrThrow({ where: { id: study.id } })).routedGroup).toBe(""); // not routed
    await saveSetting(
      testDb(),
      admin.id,
      "routing",
      routingConfigSchema.parse({
        groups: [
          { key: "body", label: "Body" },
          { key: "general", label: "General" },
        ],
        rules: [{ id: "ct", name: "CT", group: "body", modalities: ["CT"] }],
        defaultGroup: "general",
      }),
    );
    const rerouted = await worker.waitForLog(
      (l) => l.msg === "priorities recomputed after a settings change" && l.why === "routing saved",
      20_000,
    );
    expect(rerouted).toMatchObject({ studies: 1 });
    expect(await testDb().study.findUniqueOrThrow({ where: { id: study.id } })).toMatchObject({
      routedGroup: "body",
      routeReason: "Body: CT rule",
    });
  }, 90_000);
});

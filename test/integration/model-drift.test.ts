import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { createHmac } from "node:crypto";
import { Random } from "@/lib/random";
import { checkModelDrift, dailyModelFigures, driftStatus } from "@/server/models/model-drift";
import { sendDriftWebhook } from "@/server/jobs/model-drift";
import { buildMetricsRegistry } from "@/server/ops/prometheus-metrics";
import { saveSetting } from "@/server/core/settings";
import { DEFAULT_DRIFT_BANDS } from "@/lib/models/drift";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { freePort } from "../support/test-database";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let sourceId: string;
let n = 0;
const T0 = new Date("2026-11-20T06:00:00Z");

/**
 * Scored studies as the workers store them: `count` results spread over [from, from + 24 h),
 * each scoring high (critical) with chance `flagRate`, or exactly that share of them when
 * `exact` (a day whose rate is a fact, not a draw). Scores from a seeded generator.
 */
async function scoredStream(random: Random, from: Date, count: number, flagRate: number, exact = false) {
  const hours = 24;
  const studies = Array.from({ length: count }, () => ({
    id: `drift-study-${++n}`,
    sourceId,
    studyInstanceUid: `2.25.4242${n}`,
    readingState: "READ" as const,
  }));
  await testDb().study.createMany({ data: studies });
  await testDb().aiResult.createMany({
    data: studies.map((s, i) => {
      const flagged = exact ? i < Math.round(count * flagRate) : random.next() < flagRate;
      const p = Math.min(1, Math.max(0, flagged ? 0.85 + 0.1 * random.gaussian() : 0.08 + 0.06 * random.gaussian()));
      return {
        studyId: s.id,
        modelId: "ich-headct",
        modelVersion: "1.0.0",
        studyRevision: 1,
        status: "SCORED" as const,
        probability: p,
        critical: p >= 0.5,
        finding: "intracranial-bleed",
        timings: { totalMs: 800 + 100 * random.next() },
        createdAt: new Date(from.getTime() + ((i + 0.5) / count) * hours * HOUR),
      };
    }),
  });
}

let receiver: Server | null = null;
afterAll(async () => {
  if (receiver) await new Promise((r) => receiver!.close(r));
});

beforeEach(async () => {
  await resetDatabase();
  sourceId = await makeOfflineSource();
  await testDb().aiModel.create({
    data: {
      modelId: "ich-headct",
      version: "1.0.0",
      manifest: { outputs: [{ criticalThreshold: 0.5 }] },
      sha256: "0".repeat(64),
    },
  });
});

const metricLine = async () =>
  (await buildMetricsRegistry(testDb()).metrics())
    .split("\n")
    .filter((l) => l.startsWith("readnext_model_drift_alerts{"))
    .join("\n");

describe("drift monitoring on a stream of scored studies", () => {
  it("no alert for ordinary days; one opens when the flag rate jumps (admin figures, /metrics, webhook) and closes when it settles", async () => {
    const random = new Random(2026);
    // Four weeks at a 5% flag rate, 120 studies a day, then an ordinary day.
    for (let d = 29; d >= 1; d--) await scoredStream(random, new Date(T0.getTime() - d * DAY), 120, 0.05);
    expect(await checkModelDrift(testDb(), T0)).toEqual([]);
    const quiet = (await driftStatus(testDb(), T0))[0]!;
    expect(quiet.lastDay.scored).toBe(120);
    expect(quiet.baseline).toMatchObject({ scored: 28 * 120, from: "the previous 28 days" });
    expect(quiet.alerts).toEqual([]);

    // A CT's software update: the next day the model flags a fifth of its studies.
    await scoredStream(random, T0, 120, 0.2, true);
    const T1 = new Date(T0.getTime() + DAY);
    const opened = await checkModelDrift(testDb(), T1);
    expect(opened.map((a) => [a.modelId, a.version, a.kind])).toEqual([["ich-headct", "1.0.0", "flag-rate"]]);
    expect(opened[0]!.message).toMatch(
      /^flag rate \d+\.\d% of 120 studies, against [3-7]\.\d% in the previous 28 days/,
    );
    // Checked again: still the same one alert, not a second.
    expect(await checkModelDrift(testDb(), new Date(T1.getTime() + 5 * 60_000))).toEqual([]);
    expect(await testDb().modelDriftAlert.count()).toBe(1);
    expect(await metricLine()).toBe(
      'readnext_model_drift_alerts{model="ich-headct",version="1.0.0",kind="flag-rate"} 1',
    );

    // The webhook gets it once, signed like critical findings.
    const received: { headers: Record<string, unknown>; body: string }[] = [];
    const port = await freePort();
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(port, "127.0.0.1", resolve));
    const secret = "drift-secret";
    expect(
      await sendDriftWebhook(
        testDb(),
        { url: `http://127.0.0.1:${port}/hook`, secret, appUrl: "https://rn.test" },
        opened[0]!.id,
      ),
    ).toBe("sent");
    const { headers, body } = received[0]!;
    expect(headers["x-readnext-event"]).toBe("model-drift");
    expect(headers["x-readnext-signature"]).toBe(
      `sha256=${createHmac("sha256", secret)
        .update(`${String(headers["x-readnext-timestamp"])}.${body}`)
        .digest("hex")}`,
    );
    expect(JSON.parse(body)).toMatchObject({
      event: "model-drift",
      model: { id: "ich-headct", version: "1.0.0" },
      kind: "flag-rate",
      modelsUrl: "https://rn.test/models#ich-headct",
    });

    // The chart's days: the jump shows on its own day.
    const daily = await dailyModelFigures(
      testDb(),
      (await testDb().aiModel.findFirstOrThrow()).id,
      "UTC",
      31,
      new Date(T1.getTime() + HOUR),
    );
    const last = daily!.days.at(-1)!;
    expect(last.day).toBe("2026-11-21");
    expect(daily!.days.at(-2)!.flagRate).toBeGreaterThan(0.1);
    expect(daily!.days.slice(0, -3).every((d) => d.flagRate! < 0.12)).toBe(true);

    // Two ordinary days later the last 24 hours are back to normal: the alert closes.
    await scoredStream(random, T1, 120, 0.05);
    await scoredStream(random, new Date(T1.getTime() + DAY), 120, 0.05);
    expect(await checkModelDrift(testDb(), new Date(T1.getTime() + 2 * DAY))).toEqual([]);
    expect((await testDb().modelDriftAlert.findFirstOrThrow()).closedAt).not.toBeNull();
    expect(await metricLine()).toBe("");
  }, 60_000);

  it("without four weeks of history the version is compared with its local validation, and the bands are the site's", async () => {
    const random = new Random(7);
    await testDb().modelValidation.create({
      data: {
        modelId: "ich-headct",
        modelVersion: "1.0.0",
        status: "DONE",
        labelsName: "site.csv",
        labelsSha256: "x",
        finishedAt: new Date(T0.getTime() - 2 * DAY),
        threshold: 0.5,
        targetSensitivity: 0.95,
        total: 400,
        done: 400,
        summary: {
          cases: 400,
          atThreshold: { truePositive: 18, falsePositive: 2 },
          scoreHistogram: [360, 15, 4, 1, 0, 0, 1, 2, 7, 10],
        },
      },
    });
    await scoredStream(random, new Date(T0.getTime() - DAY), 100, 0.3, true);
    const [status] = await driftStatus(testDb(), T0);
    expect(status!.baseline).toMatchObject({ scored: 400, flagged: 20, from: "the local validation (site.csv)" });
    expect(status!.alerts.map((a) => a.kind)).toEqual(["flag-rate"]);
    // The chart measures each day's scores against that validation: 400 studies are a distribution.
    const modelRowId = (await testDb().aiModel.findFirstOrThrow()).id;
    expect((await dailyModelFigures(testDb(), modelRowId, "UTC", 30, T0))!.psiReference).toBe(
      "local validation (site.csv)",
    );
    // A later validation of a dozen studies is not: the chart falls back to the period itself.
    await testDb().modelValidation.create({
      data: {
        modelId: "ich-headct",
        modelVersion: "1.0.0",
        status: "DONE",
        labelsName: "tiny.csv",
        labelsSha256: "y",
        threshold: 0.5,
        targetSensitivity: 0.95,
        total: 12,
        done: 12,
        finishedAt: new Date(),
        summary: {
          cases: 12,
          atThreshold: { truePositive: 0, falsePositive: 0 },
          scoreHistogram: [12, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        },
      },
    });
    expect((await dailyModelFigures(testDb(), modelRowId, "UTC", 30, T0))!.psiReference).toBe("the whole 30 days");
    // A site that wants 150 studies before judging a flag rate sees no alert on a day of 100.
    const admin = await makeUser(["admin"]);
    await saveSetting(testDb(), admin.id, "drift", { ...DEFAULT_DRIFT_BANDS, minStudies: 150 });
    expect((await driftStatus(testDb(), T0))[0]!.alerts).toEqual([]);
  });
});

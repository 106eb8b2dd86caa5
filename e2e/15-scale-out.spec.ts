import { expect, test } from "@playwright/test";
import pg from "pg";
import { DicomWebAdapter } from "../server/pacs/dicomweb-adapter";
import { configForUrl } from "../server/pacs/source-config";
import { startWebApp, waitForHealthy } from "../server/runtime/web-app";
import { generateStudy } from "../lib/synthetic/studies";
import { freePort } from "../test/support/test-database";
import { spawnWorker, type WorkerProcess } from "../test/support/worker-process";
import { signIn, waitForWorklist } from "./helpers";

// Scale-out on one Postgres: scripts/e2e.ts runs a web process and a worker; this spec adds a second
// web process and two more workers, so 2 web + 3 workers share the database. Nothing but Postgres
// connects them: live events are NOTIFY, jobs are pg-boss rows, sessions are database rows.
const pacs = () => new DicomWebAdapter(configForUrl(process.env.E2E_DICOMWEB_URL!, { timeoutMs: 30_000 }));

let secondWeb: ReturnType<typeof startWebApp> | null = null;
let secondUrl = "";
const workers: WorkerProcess[] = [];

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const port = await freePort();
  secondUrl = `http://127.0.0.1:${port}`;
  secondWeb = startWebApp({
    dev: false,
    host: "127.0.0.1",
    port,
    env: { ...process.env, BETTER_AUTH_URL: secondUrl },
    quiet: true,
  });
  for (let i = 0; i < 2; i++) workers.push(spawnWorker({ LOG_LEVEL: "info", INGEST_TICK_MS: "1000" }));
  await waitForHealthy(secondUrl);
  await Promise.all(workers.map((w) => w.waitForLog((l) => l.msg === "scoring started", 90_000)));
});

test.afterAll(async () => {
  test.setTimeout(90_000);
  await Promise.all(workers.map((w) => w.stop()));
  if (secondWeb && secondWeb.exitCode === null) {
    const exited = new Promise((r) => secondWeb!.once("exit", r));
    secondWeb.kill("SIGTERM");
    await exited;
  }
});

test("2 web processes and 3 workers on one Postgres: live lists on both, a claim seen across, each study scored once", async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  // The neuro reader (routing from 06 sends head CTs to Neuro) on each web process: at her desk
  // on one, on a second screen on the other. One sign-in: a session is a database row, so the
  // cookie works on either process (no sticky sessions).
  await signIn(page, "radiologist@readnext.local");
  await waitForWorklist(page);
  // She may still hold a case from an earlier spec: read it (or the top one) so her next claim is
  // the top of the list, on screen in both windows.
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  const held = async () =>
    (
      await db.query<{ accession: string }>(
        `SELECT s."accessionNumber" AS accession FROM "Study" s JOIN "User" u ON u.id = s."claimedById"
          WHERE u.email = 'radiologist@readnext.local' AND s."readingState" = 'CLAIMED'`,
      )
    ).rows.map((r) => r.accession);
  const panel = page.getByRole("complementary", { name: "Study" });
  await page.keyboard.press("n");
  await expect(panel.getByTestId("panel-status")).toHaveText("open by you");
  await page.keyboard.press("r");
  await expect.poll(held).toEqual([]);
  const otherContext = await browser.newContext({
    baseURL: secondUrl,
    storageState: await page.context().storageState(),
  });
  const other = await otherContext.newPage();
  await other.goto("/worklist");
  await waitForWorklist(other);
  await expect(other.getByTestId("current-user")).toContainText("Dr. Rita Rad");

  // Four head CTs, one with a bleed, STOWed while both lists are open: the three workers' ingest
  // and scoring compete for them.
  const studies = [0, 1, 2, 3].map((i) =>
    generateStudy({
      seed: 15_000 + i,
      kind: "head-ct",
      finding: i === 0 ? "ich-subdural" : "none",
      priority: "ROUTINE",
      location: "OUTPATIENT CLINIC",
      sliceCount: 14,
      size: 128,
      studyDateTime: new Date(),
      withLocalizer: false,
    }),
  );
  for (const s of studies) await pacs().storeInstances(s.instances);
  const accessions = studies.map((s) => s.accessionNumber);
  const bleed = accessions[0]!;

  // Both web processes' lists show the bleed among the pinned critical cases, live (no reload).
  // (The routine negatives sit lower in a list that draws only the rows on screen.)
  for (const p of [page, other]) {
    const row = p.locator(`[data-accession="${bleed}"]`);
    await expect(row).toContainText(/AI: suspected intracranial bleed/, { timeout: 60_000 });
    await expect(row).toHaveAttribute("data-critical", "true");
  }

  // A claim on the first web process shows on the second, live.
  await page.keyboard.press("n");
  await expect(panel.getByTestId("panel-status")).toHaveText("open by you");
  try {
    const open = await held();
    expect(open).toHaveLength(1);
    await expect(panel).toContainText(open[0]!);
    const seenOnSecond = other.locator(`[data-accession="${open[0]!}"]`);
    await expect(seenOnSecond.getByTestId("claimed-by")).toHaveText("you", { timeout: 15_000 });

    // Each study was scored once per model version: ich-headct 1.0.0 and 1.1.0 (one live, one in
    // shadow after spec 14) on each of the four, one result each, and one queue job that ran once.
    const results = async () =>
      (
        await db.query<{ accession: string; model: string; n: number }>(
          `SELECT s."accessionNumber" AS accession, r."modelVersion" AS model, count(*)::int AS n
             FROM "AiResult" r JOIN "Study" s ON s.id = r."studyId"
            WHERE s."accessionNumber" = ANY($1) AND r."modelId" = 'ich-headct' GROUP BY 1, 2 ORDER BY 1, 2`,
          [accessions],
        )
      ).rows;
    const expected = [...accessions]
      .sort()
      .flatMap((accession) => ["1.0.0", "1.1.0"].map((model) => ({ accession, model, n: 1 })));
    await expect.poll(results, { timeout: 60_000 }).toEqual(expected);
    const { rows: jobs } = await db.query<{ state: string; retries: number; n: number }>(
      `SELECT state::text AS state, retry_count AS retries, count(*)::int AS n FROM pgboss.job
        WHERE name IN ('score-study', 'score-study-shadow') AND data->>'studyId' IN (
          SELECT id FROM "Study" WHERE "accessionNumber" = ANY($1))
        GROUP BY 1, 2`,
      [accessions],
    );
    expect(jobs).toEqual([{ state: "completed", retries: 0, n: 8 }]);
  } finally {
    await db.end();
  }
  const byWorker = workers.map((w) => w.logs.filter((l) => l.msg === "score job done").length);
  test.info().annotations.push({ type: "score jobs run by the two added workers", description: byWorker.join(", ") });
  await otherContext.close();
});

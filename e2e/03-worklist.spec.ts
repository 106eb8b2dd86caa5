import { expect, test } from "@playwright/test";
import { signIn, waitForWorklist } from "./helpers";
import { generateStudy } from "../lib/synthetic/studies";

// Runs after 02, which connected a PACS holding three studies.
test("Next case claims the top study, another reader sees the claim live, Mark read removes it", async ({
  page,
  browser,
}) => {
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signIn(other, "second.reader@readnext.local");
  await expect(other.getByTestId("worklist-count")).toHaveText("3 open studies");
  await expect(other.getByTestId("worklist-row")).toHaveCount(3);

  // Every tRPC answer the page gets: small ones go out plain, larger ones gzipped (route.ts).
  const answers: Promise<{ url: string; bytes: number; encoding: string | undefined }>[] = [];
  page.on("response", (r) => {
    if (r.url().includes("/api/trpc/") && !r.headers()["content-type"]?.startsWith("text/event-stream")) {
      answers.push(
        r.body().then((b) => ({ url: r.url(), bytes: b.length, encoding: r.headers()["content-encoding"] })),
      );
    }
  });
  await signIn(page, "radiologist@readnext.local");
  const rows = page.getByTestId("worklist-row");
  await expect(rows).toHaveCount(3);
  const top = await rows.first().getAttribute("data-accession");
  // Every row says why, in words from its order: the three studies scripts/e2e.ts stored (seeds 1–3),
  // whose priority and location the generator chose; the words are the product's, written out here.
  const locationWords: Record<string, string> = {
    ED: "ED patient",
    "WARD 4B": "inpatient",
    ICU: "inpatient",
    "OUTPATIENT CLINIC": "outpatient",
  };
  for (const seed of [1, 2, 3]) {
    const study = generateStudy({ seed, kind: "other", studyDateTime: new Date() });
    const reasons = page.locator(`[data-accession="${study.accessionNumber}"]`).getByRole("gridcell").nth(6);
    await expect(reasons).toContainText(
      study.priority ? `${study.priority} order` : "ROUTINE order (priority not given)",
    );
    await expect(reasons).toContainText(study.location ? locationWords[study.location]! : "location unknown");
    await expect(reasons).toContainText(/waiting \d+ min, due in \d+/);
  }

  await page.keyboard.press("n");
  const panel = page.getByRole("complementary", { name: "Study" });
  await expect(panel.getByTestId("panel-status")).toHaveText("open by you");
  await expect(panel).toContainText(top!);
  await expect(page.locator(`[data-accession="${top}"]`).getByText("you")).toBeVisible();

  // The other reader's list shows the claim without a reload.
  await expect(other.locator(`[data-accession="${top}"]`).getByText("Dr. Rita Rad")).toBeVisible();

  await page.keyboard.press("r");
  await expect(page.getByTestId("worklist-count")).toHaveText("2 open studies");
  await expect(page.locator(`[data-accession="${top}"]`)).toHaveCount(0);
  await expect(other.getByTestId("worklist-count")).toHaveText("2 open studies");
  await expect(other.locator(`[data-accession="${top}"]`)).toHaveCount(0);

  await page.screenshot({ path: "test-results/worklist.png", fullPage: true });
  await otherContext.close();
  const seen = await Promise.all(answers);
  expect(seen.filter((a) => a.url.includes("nextCase"))).toHaveLength(1);
  for (const a of seen) expect(a.encoding, `${a.url}: ${a.bytes} bytes`).toBe(a.bytes < 1024 ? undefined : "gzip");
  expect(seen.filter((a) => a.encoding === "gzip").length).toBeGreaterThan(0);
});

test("skipping needs a reason and hides the study from that reader only", async ({ page, browser }) => {
  await signIn(page, "radiologist@readnext.local");
  await waitForWorklist(page);
  await page.getByRole("button", { name: /Next case/ }).click();
  const panel = page.getByRole("complementary", { name: "Study" });
  await expect(panel.getByTestId("panel-status")).toHaveText("open by you");
  await panel.getByRole("button", { name: "Skip…" }).click();
  await panel.getByPlaceholder(/Why skip/).fill("outside my subspecialty");
  await panel.getByRole("button", { name: "Skip", exact: true }).click();
  await expect(page.getByTestId("worklist-count")).toHaveText("1 open studies");

  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signIn(other, "second.reader@readnext.local");
  await expect(other.getByTestId("worklist-count")).toHaveText("2 open studies");
  await otherContext.close();
});

test("a scheduler pins an at-risk study and it goes to the top of the readers' list, with who and why", async ({
  page,
  browser,
}) => {
  await signIn(page, "scheduler@readnext.local");
  // The first test's read gives a read rate: the forecast says when the open studies are read.
  await expect(page.getByTestId("forecast")).toContainText(
    /At the last 2 hours' rate of 0\.5 reads an hour \(1 read by 1 radiologist\), the 2 open studies are read by/,
  );
  await page.getByLabel("due within").selectOption("1440");
  const rows = page.locator('[data-testid^="at-risk-"]');
  await expect(rows.first()).toBeVisible();
  const last = rows.last();
  const accession = (await last.getAttribute("data-testid"))!.replace("at-risk-", "");
  await last.getByRole("button", { name: "Pin" }).click();
  await last.getByLabel("Reason").fill("surgeon waiting in theatre");
  await last.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId(`at-risk-${accession}`)).toContainText(
    "pinned by Sam Scheduler: surgeon waiting in theatre",
  );

  const readerContext = await browser.newContext();
  const reader = await readerContext.newPage();
  await signIn(reader, "second.reader@readnext.local");
  const top = reader.getByTestId("worklist-row").first();
  await expect(top).toHaveAttribute("data-accession", accession);
  await expect(top).toContainText(/pinned by Sam Scheduler \d\d:\d\d: surgeon waiting in theatre/);
  await readerContext.close();
});

test("a chair sees who holds which case and breaks a claim with a reason; the reader's panel and list free it live", async ({
  page,
  browser,
}) => {
  const readerContext = await browser.newContext();
  const reader = await readerContext.newPage();
  await signIn(reader, "radiologist@readnext.local");
  await waitForWorklist(reader);
  await reader.keyboard.press("n");
  const panel = reader.getByRole("complementary", { name: "Study" });
  await expect(panel.getByTestId("panel-status")).toHaveText("open by you");
  const held = reader.getByTestId("worklist-row").filter({ has: reader.getByText("you", { exact: true }) });
  await expect(held).toHaveCount(1);
  const accession = (await held.getAttribute("data-accession"))!;

  await signIn(page, "chair@readnext.local");
  // The first test's read is in today's row of the SLA trend (UTC: the e2e department's time zone), drawn as a chart.
  await expect(page.getByTestId("sla-trend-table").getByRole("row").nth(1)).toContainText(
    new Date().toISOString().slice(0, 10),
  );
  await expect(page.getByTestId("sla-trend-chart").locator("svg.recharts-surface").first()).toBeVisible();
  const row = page.getByTestId(`open-claim-${accession}`);
  await expect(row).toContainText("Dr. Rita Rad");
  await row.getByRole("button", { name: "Break claim…" }).click();
  await row.getByLabel("Reason").fill("left for the day");
  await page.screenshot({ path: "test-results/open-cases.png", fullPage: true });
  await row.getByRole("button", { name: "Break claim", exact: true }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByText("No radiologist has a case open.")).toBeVisible();

  // The reader sees it without a reload: the case is no longer theirs.
  await expect(panel.getByTestId("panel-status")).toHaveText("unread");
  await expect(reader.locator(`[data-accession="${accession}"]`).getByText("you", { exact: true })).toHaveCount(0);
  await readerContext.close();
});

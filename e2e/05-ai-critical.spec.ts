import { expect, test } from "@playwright/test";
import { DicomWebAdapter } from "../server/pacs/dicomweb-adapter";
import { configForUrl } from "../server/pacs/source-config";
import { generateStudy } from "../lib/synthetic/studies";
import { signIn, waitForWorklist } from "./helpers";

const pacs = () => new DicomWebAdapter(configForUrl(process.env.E2E_DICOMWEB_URL!, { timeoutMs: 30_000 }));
const headCt = (seed: number, finding: "none" | "ich-subdural", priority: "STAT" | "ROUTINE", location: string) =>
  generateStudy({
    seed,
    kind: "head-ct",
    finding,
    priority,
    location,
    sliceCount: 16,
    size: 256,
    studyDateTime: new Date(),
    withLocalizer: false,
  });

// Runs after 03/04: the scheduler's pinned study is still open; a second reader reads it first.
test("a positive head CT STOWed during the test rises to the top live, opens with its key slice, is confirmed and read", async ({
  page,
  browser,
}) => {
  // Two studies go through the whole path (change feed, queue, WADO-RS, model) while the page is open.
  test.setTimeout(120_000);
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signIn(other, "second.reader@readnext.local");
  await waitForWorklist(other);
  await other.keyboard.press("n");
  await expect(other.getByRole("complementary", { name: "Study" }).getByTestId("panel-status")).toHaveText(
    "open by you",
  );
  await other.keyboard.press("r");

  // A STAT ED head CT without a bleed: scored, not pinned.
  const negative = headCt(7001, "none", "STAT", "ED");
  await pacs().storeInstances(negative.instances);
  await signIn(page, "radiologist@readnext.local");
  const negativeRow = page.locator(`[data-accession="${negative.accessionNumber}"]`);
  await expect(negativeRow).toContainText(/AI: no intracranial bleed found 0\.\d\d \(ich-headct 1\.0\.0\)/, {
    timeout: 30_000,
  });
  await expect(page.getByTestId("worklist-row").first()).toHaveAttribute("data-accession", negative.accessionNumber);

  // A routine outpatient head CT with a subdural bleed, while the page stays open: no reload.
  const positive = headCt(7002, "ich-subdural", "ROUTINE", "OUTPATIENT CLINIC");
  await pacs().storeInstances(positive.instances);
  const top = page.getByTestId("worklist-row").first();
  await expect(top).toHaveAttribute("data-accession", positive.accessionNumber, { timeout: 30_000 });
  await expect(top).toContainText(/AI: suspected intracranial bleed [01]\.\d\d \(ich-headct 1\.0\.0\)/);
  await expect(top).toHaveAttribute("data-critical", "true");
  await expect(page.getByTestId("worklist-row").nth(1)).toHaveAttribute("data-accession", negative.accessionNumber);
  await page.screenshot({ path: "test-results/worklist-critical.png", fullPage: true });

  await page.keyboard.press("n");
  const panel = page.getByRole("complementary", { name: "Study" });
  await expect(panel.getByTestId("panel-status")).toHaveText("open by you");
  await expect(panel).toContainText(positive.accessionNumber);
  const result = panel.getByTestId("ai-result").first();
  await expect(result).toContainText("Suspected intracranial bleed");
  // Named as the viewer names it: the image's InstanceNumber and its series.
  const preview = result.getByRole("img", {
    name: /^Key slice \(image \d+ of series \d+ \(HEAD 5mm STND\)\) for intracranial bleed$/,
  });
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);
  await expect(result.getByTestId("key-slice-caption")).toHaveText(
    /^Most suspicious slice: image \d+ of series \d+ \(HEAD 5mm STND\) · slice score [01]\.\d\d$/,
  );
  await expect(result.getByRole("link", { name: "ich-headct 1.0.0" })).toHaveAttribute(
    "href",
    "/models/ich-headct/card",
  );

  await result.getByLabel("AI feedback comment").fill("acute subdural, left convexity");
  await result.getByRole("button", { name: "Confirm finding" }).click();
  await expect(result.getByTestId("ai-feedback-state")).toHaveText("you confirmed it");
  await expect(panel).toContainText("AI finding confirmed by Dr. Rita Rad: acute subdural, left convexity");
  await page.screenshot({ path: "test-results/study-panel-ai.png", fullPage: true });

  await page.keyboard.press("r");
  await expect(page.locator(`[data-accession="${positive.accessionNumber}"]`)).toHaveCount(0);
  await expect(page.getByTestId("worklist-row").first()).toHaveAttribute("data-accession", negative.accessionNumber);
  await otherContext.close();
});

test("a link to /worklist?study=<id> (as in the critical-finding webhook) opens that study's panel", async ({
  page,
}) => {
  await signIn(page, "radiologist@readnext.local");
  const row = page.getByTestId("worklist-row").first();
  const accession = await row.getAttribute("data-accession");
  const id = await row.getAttribute("data-study-id");
  await page.goto(`/worklist?study=${id}`);
  await expect(page.getByRole("complementary", { name: "Study" })).toContainText(accession!);
});

test("the model card opens from the study panel's link", async ({ page }) => {
  await signIn(page, "radiologist@readnext.local");
  const response = await page.goto("/models/ich-headct/card");
  expect(response?.status()).toBe(200);
  await expect(page.locator("body")).toContainText("NOT FOR CLINICAL USE");
});

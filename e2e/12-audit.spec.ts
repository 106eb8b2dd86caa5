import { expect, test } from "@playwright/test";
import { signIn, waitForWorklist } from "./helpers";

// Who saw which patient: a radiologist opens a study; the chair finds that on the audit page and downloads it.
test("the audit page finds a radiologist's opening of a study, and exports it", async ({ browser }) => {
  const reader = await browser.newPage();
  await signIn(reader, "radiologist@readnext.local");
  await waitForWorklist(reader);
  // Next case claims and opens the most urgent study the reader may read.
  await reader.keyboard.press("n");
  const panel = reader.getByRole("complementary", { name: "Study" });
  await expect(panel.getByTestId("panel-status")).toHaveText("open by you");
  const mine = reader.locator("[data-accession]").filter({ has: reader.getByText("you", { exact: true }) });
  const accession = (await mine.first().getAttribute("data-accession"))!;
  expect(accession).not.toBe("");
  await expect(panel).toContainText(accession);
  await reader.close();

  const chair = await browser.newPage();
  await signIn(chair, "chair@readnext.local");
  await chair.getByRole("link", { name: "Audit" }).click();
  await expect(chair.getByRole("heading", { name: "Audit log" })).toBeVisible();
  const form = chair.getByRole("form", { name: "Search the audit log" });
  await form.getByLabel("Person", { exact: true }).fill("radiologist@readnext.local");
  await form.getByLabel("Study", { exact: true }).fill(accession);
  // A select's accessible name includes its options' words, so it is found by its field name.
  await form.locator('select[name="action"]').selectOption("study.view");
  await form.getByRole("button", { name: "Search" }).click();
  const events = chair.getByRole("table", { name: "Audit events" }).locator("tbody tr");
  await expect(events).toHaveCount(1);
  await expect(events.first()).toContainText("opened the study's panel");
  await expect(events.first()).toContainText(accession);
  await expect(events.first()).toContainText("127.0.0.1");

  const [download] = await Promise.all([
    chair.waitForEvent("download"),
    chair.getByRole("link", { name: /Download CSV/ }).click(),
  ]);
  const csv = await (await download.createReadStream()).toArray();
  const lines = Buffer.concat(csv).toString("utf8").trim().split(/\r?\n/);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain("study.view");
  expect(lines[1]).toContain(accession);
});

test("a radiologist cannot open the audit page", async ({ page }) => {
  await signIn(page, "radiologist@readnext.local");
  await page.goto("/audit");
  await expect(page).toHaveURL(/\/no-access/);
});

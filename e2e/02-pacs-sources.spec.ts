import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

// The e2e runner starts a real Orthanc holding three synthetic studies and a worker.
const dicomWebUrl = process.env.E2E_DICOMWEB_URL!;

test("an admin connects a PACS, tests it, syncs it, and radiologists see its studies", async ({ page, browser }) => {
  await signIn(page, "admin@readnext.local");
  await expect(page.getByText("No PACS connected yet")).toBeVisible();
  await page.getByRole("button", { name: "Add a source" }).click();
  await page.getByLabel("Name", { exact: true }).first().fill("Radiology PACS");
  await page.getByLabel("DICOMweb root URL").fill(dicomWebUrl);
  // It is an Orthanc: new studies arrive through its change feed within a second (05 relies on it).
  await page.getByLabel("Orthanc change feed").check();
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("status")).toContainText("Connection OK");
  await page.getByRole("button", { name: "Add source" }).click();

  const row = page.getByTestId("source-row-Radiology PACS");
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Sync now" }).click();
  // The worker sweeps the source and the row shows what it stored.
  await expect(row.getByText("ok", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(row.getByRole("cell").nth(3)).toContainText("3", { timeout: 15_000 });

  const other = await browser.newContext();
  const radiologist = await other.newPage();
  await signIn(radiologist, "radiologist@readnext.local");
  await expect(radiologist.getByText("3 open studies")).toBeVisible();
  await other.close();
});

test("a wrong address is reported in words, and nothing is saved", async ({ page }) => {
  await signIn(page, "admin@readnext.local");
  await page.getByRole("button", { name: "Add a source" }).click();
  await page.getByLabel("Name", { exact: true }).first().fill("Nowhere");
  await page.getByLabel("DICOMweb root URL").fill("http://127.0.0.1:9/dicom-web");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("status")).toContainText(
    "Connection failed: Nowhere: search studies: cannot reach http://127.0.0.1:9/dicom-web",
  );
  await expect(page.getByTestId("source-row-Nowhere")).toHaveCount(0);
});

test("an admin edits the SLA table and it is kept", async ({ page }) => {
  await signIn(page, "admin@readnext.local");
  const statEd = page.getByLabel("Target minutes STAT ED");
  await expect(statEd).toHaveValue("30");
  await statEd.fill("20");
  await page.getByRole("button", { name: "Save worklist rules" }).click();
  await expect(page.getByText("Saved. Due times of open studies are recomputed")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Target minutes STAT ED")).toHaveValue("20");
});

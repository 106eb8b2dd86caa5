import { expect, test, type Page } from "@playwright/test";
import { DicomWebAdapter } from "../server/pacs/dicomweb-adapter";
import { configForUrl } from "../server/pacs/source-config";
import { generateStudy } from "../lib/synthetic/studies";
import { signIn, waitForWorklist } from "./helpers";

const pacs = () => new DicomWebAdapter(configForUrl(process.env.E2E_DICOMWEB_URL!, { timeoutMs: 30_000 }));

/** Presses Next case and marks each claimed study read until `accession` is claimed; returns what was claimed on the way. */
async function nextCaseUntil(page: Page, accession: string): Promise<string[]> {
  const panel = page.getByRole("complementary", { name: "Study" });
  const claimed: string[] = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("n");
    await expect(panel.getByTestId("panel-status")).toHaveText("open by you");
    const got = (await panel.getByTestId("panel-accession").textContent())?.trim() ?? "";
    claimed.push(got);
    if (got === accession) return claimed;
    await page.keyboard.press("r");
    await expect(page.locator(`[data-accession="${got}"]`)).toHaveCount(0);
  }
  throw new Error(`Next case never reached ${accession}; claimed ${claimed.join(", ")}`);
}

// Runs last: it turns routing on for the rest of the department.
test("an admin sets up a neuro group and a CT HEAD rule; the neuro reader's Next case gets the head CT, never the chest radiograph; a general reader gets the radiograph", async ({
  page: adminPage,
  browser,
}) => {
  let page = adminPage;
  test.setTimeout(120_000);
  const headCt = generateStudy({
    seed: 8101,
    kind: "head-ct",
    finding: "none",
    priority: "ROUTINE",
    location: "OUTPATIENT CLINIC",
    sliceCount: 8,
    size: 128,
    studyDateTime: new Date(),
    withLocalizer: false,
  });
  // STAT from the ED: first in everyone's list while routing is off.
  const chest = generateStudy({
    seed: 8102,
    kind: "chest-xr",
    size: 512,
    finding: "none",
    priority: "STAT",
    location: "ED",
    studyDateTime: new Date(),
  });
  await pacs().storeInstances(headCt.instances);
  await pacs().storeInstances(chest.instances);

  await signIn(page, "admin@readnext.local");
  await page.goto("/admin");
  await page.getByRole("button", { name: "Add group" }).click();
  await page.getByLabel("Group 1 key").fill("neuro");
  await page.getByLabel("Group 1 name").fill("Neuro");
  await page.getByRole("button", { name: "Add group" }).click();
  await page.getByLabel("Group 2 key").fill("general");
  await page.getByLabel("Group 2 name").fill("General");
  await page.getByLabel("Group 2 overflow minutes").fill("");
  await page.getByLabel("Studies no rule matches go to").selectOption("general");
  await page.getByRole("button", { name: "Add rule" }).click();
  await page.getByLabel("Rule 1 name").fill("CT HEAD");
  await page.getByLabel("Rule 1 group").selectOption("neuro");
  await page.getByLabel("Rule 1 modalities").fill("CT");
  await page.getByLabel("Rule 1 body parts").fill("head");
  await page.getByLabel("Rule 1 body parts").blur();
  await page.getByRole("button", { name: "Save routing" }).click();
  await expect(page.getByText("Saved. Open studies are re-routed by the workers within seconds.")).toBeVisible();

  const rita = page.getByTestId("reader-radiologist@readnext.local");
  await rita.getByLabel("Dr. Rita Rad in Neuro").check();
  await rita.getByRole("button", { name: "Save Dr. Rita Rad" }).click();
  await expect(rita.getByText("Saved.")).toBeVisible();
  const sam = page.getByTestId("reader-second.reader@readnext.local");
  await sam.getByLabel("Dr. Sam Second in General").check();
  await sam.getByRole("button", { name: "Save Dr. Sam Second" }).click();
  await expect(sam.getByText("Saved.")).toBeVisible();
  await page.screenshot({ path: "test-results/admin-routing.png", fullPage: true });

  // The neuro reader: the head CT with the rule that routed it; the radiograph is not on their list.
  const neuroContext = await browser.newContext();
  page = await neuroContext.newPage();
  await signIn(page, "radiologist@readnext.local");
  await waitForWorklist(page);
  await expect(page.getByTestId("duty")).toContainText("Neuro");
  const headRow = page.locator(`[data-accession="${headCt.accessionNumber}"]`);
  await expect(headRow).toContainText("Neuro: CT HEAD rule", { timeout: 20_000 });
  await expect(page.locator(`[data-accession="${chest.accessionNumber}"]`)).toHaveCount(0);
  await page.screenshot({ path: "test-results/worklist-neuro.png", fullPage: true });
  const neuroClaims = await nextCaseUntil(page, headCt.accessionNumber);
  expect(neuroClaims).not.toContain(chest.accessionNumber);

  // The general reader gets the radiograph, and never the head CT (now held, and not theirs anyway).
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signIn(other, "second.reader@readnext.local");
  await waitForWorklist(other);
  await expect(other.locator(`[data-accession="${headCt.accessionNumber}"]`)).toHaveCount(0);
  const generalClaims = await nextCaseUntil(other, chest.accessionNumber);
  expect(generalClaims).not.toContain(headCt.accessionNumber);
  await expect(other.locator(`[data-accession="${chest.accessionNumber}"]`)).toContainText(
    "General: no rule matched (default group)",
  );
  await otherContext.close();

  // Push assignment: the admin turns it on; a head CT STOWed now shows up assigned to the on-duty
  // neuro reader, in the list she has open (no reload).
  await adminPage.getByLabel("Assignment").selectOption("push");
  await Promise.all([
    adminPage.waitForResponse((r) => r.url().includes("routing.save") && r.ok()),
    adminPage.getByRole("button", { name: "Save routing" }).click(),
  ]);
  const pushed = generateStudy({
    seed: 8103,
    kind: "head-ct",
    finding: "none",
    priority: "ROUTINE",
    location: "ED",
    sliceCount: 8,
    size: 128,
    studyDateTime: new Date(),
    withLocalizer: false,
  });
  await pacs().storeInstances(pushed.instances);
  const pushedRow = page.locator(`[data-accession="${pushed.accessionNumber}"]`);
  await expect(pushedRow).toContainText("assigned to you", { timeout: 30_000 });
  await expect(pushedRow).toContainText("Neuro: CT HEAD rule");
  await page.screenshot({ path: "test-results/worklist-push.png", fullPage: true });

  // Interruptions: the neuro reader still has the first head CT open. A STAT head CT arrives with
  // every neuro reader busy: her screen asks her to interrupt; she accepts, reads it, and the
  // paused case comes back.
  await adminPage
    .getByLabel("Urgent studies may interrupt a less urgent read (the reader accepts or declines)")
    .check();
  await Promise.all([
    adminPage.waitForResponse((r) => r.url().includes("routing.save") && r.ok()),
    adminPage.getByRole("button", { name: "Save routing" }).click(),
  ]);
  const panel = page.getByRole("complementary", { name: "Study" });
  await expect(panel.getByTestId("panel-accession")).toHaveText(headCt.accessionNumber);
  const stat = generateStudy({
    seed: 8104,
    kind: "head-ct",
    finding: "none",
    priority: "STAT",
    location: "ED",
    sliceCount: 8,
    size: 128,
    studyDateTime: new Date(),
    withLocalizer: false,
  });
  await pacs().storeInstances(stat.instances);
  const ask = page.getByRole("alertdialog", { name: "Urgent study: interrupt your case?" });
  await expect(ask).toContainText(`Urgent: ${stat.accessionNumber} · CT HEAD`, { timeout: 30_000 });
  await expect(ask).toContainText("STAT order, from ED");
  await expect(ask).toContainText(`Interrupt ${headCt.accessionNumber}`);
  await page.screenshot({ path: "test-results/worklist-interruption.png", fullPage: true });
  await ask.getByRole("button", { name: "Interrupt and read it now" }).click();
  await expect(ask).toHaveCount(0);
  await expect(panel.getByTestId("panel-accession")).toHaveText(stat.accessionNumber);
  await expect(panel.getByTestId("panel-status")).toHaveText("open by you");
  await expect(page.getByRole("status").filter({ hasText: "Your other case is paused" })).toBeVisible();
  await page.keyboard.press("r");
  await expect(page.locator(`[data-accession="${stat.accessionNumber}"]`)).toHaveCount(0);
  await expect(panel.getByTestId("panel-accession")).toHaveText(headCt.accessionNumber);
  await expect(panel.getByTestId("panel-status")).toHaveText("open by you");
});

test("a scheduler gives a reader an extra shift for one group and then a day off; the reader's duty follows", async ({
  page,
  browser,
}) => {
  test.setTimeout(60_000);
  const today = new Date().toISOString().slice(0, 10); // the e2e department clock is UTC
  await signIn(page, "scheduler@readnext.local");
  await page.goto("/backlog");
  const who = "Dr. Sam Second";
  const row = page.getByRole("row", { name: `Shifts of ${who}` });
  await expect(row).toContainText("(no shifts)");

  await page.getByLabel(`Kind of shift for ${who}`).selectOption("extra");
  await page.getByLabel(`Date for ${who}`).fill(today);
  await page.getByLabel(`Start for ${who}`).fill("00:00");
  await page.getByLabel(`End for ${who}`).fill("23:59");
  await page.getByRole("button", { name: `Add shift for ${who}` }).click();
  await expect(row).toContainText("on duty, on shift");
  await expect(row).toContainText(`${today} 00:00–23:59`);
  // The reader's duty switch says when the shift ends.
  const samContext = await browser.newContext();
  const samPage = await samContext.newPage();
  await signIn(samPage, "second.reader@readnext.local");
  await waitForWorklist(samPage);
  await expect(samPage.getByTestId("next-shift")).toContainText("shift ends");
  await expect(samPage.getByTestId("next-shift")).toContainText("23:59");
  await samContext.close();

  // A day off instead: the reader goes off duty, and says so on their own worklist.
  await row.getByRole("button", { name: `Remove ${today} 00:00–23:59` }).click();
  await expect(row).toContainText("(no shifts)");
  await page.getByLabel(`Kind of shift for ${who}`).selectOption("off");
  await page.getByLabel(`Date for ${who}`).fill(today);
  await page.getByLabel(`Start for ${who}`).fill("00:00");
  await page.getByLabel(`End for ${who}`).fill("23:59");
  await page.getByRole("button", { name: `Add shift for ${who}` }).click();
  await expect(row).toContainText("off duty, no shift now");
  await page.screenshot({ path: "test-results/backlog-shifts.png", fullPage: true });

  const context = await browser.newContext();
  const sam = await context.newPage();
  await signIn(sam, "second.reader@readnext.local");
  await waitForWorklist(sam);
  await expect(sam.getByRole("switch", { name: "On duty" })).toHaveAttribute("aria-checked", "false");
  await context.close();
});

test("an admin imports the site's RVU table from CSV; a bad file is refused line by line and changes nothing", async ({
  page,
}) => {
  await signIn(page, "admin@readnext.local");
  await page.goto("/admin");
  const file = (text: string) => ({ name: "rvu.csv", mimeType: "text/csv", buffer: Buffer.from(text) });
  await page.getByLabel("Import RVU CSV").setInputFiles(file("modality,body_part,rvu\nCT,HEAD,1\nCT,head,2\n"));
  await expect(page.getByRole("alert").filter({ hasText: "Nothing imported" })).toContainText(
    "line 3: CT HEAD is already on line 2",
  );
  await expect(page.getByLabel("Row 1 modality")).toHaveValue("CT"); // the starter table, unchanged

  await page
    .getByLabel("Import RVU CSV")
    .setInputFiles(file("modality,body_part,rvu,note\nCT,HEAD,2.5,our head CT\nMR,,3,\n"));
  await expect(page.getByText("Imported 2 rows.")).toBeVisible();
  await expect(page.getByLabel("Row 1 RVU")).toHaveValue("2.5");
  await expect(page.getByLabel("Row 2 modality")).toHaveValue("MR");
  await expect(page.getByLabel("Row 3 modality")).toHaveCount(0);
  await page.getByLabel("Row 2 RVU").fill("3.2");
  await page.getByRole("button", { name: "Save RVU table" }).click();
  await expect(page.getByText("Saved. Workers re-weigh open studies within seconds.")).toBeVisible();
  await expect(page.getByLabel("Row 2 RVU")).toHaveValue("3.2");
  await page.getByRole("heading", { name: "Work RVUs" }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/admin-rvu.png" });
});

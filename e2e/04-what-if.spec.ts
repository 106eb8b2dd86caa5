import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test("a chair runs the what-if simulator and reads the comparison in words", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "chair@readnext.local");
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "What-if" }).click();
  await expect(page.getByRole("heading", { name: /What-if/ })).toBeVisible();
  const summary = page.getByRole("status").filter({ hasText: "Studies with a critical finding would wait" });
  const percentLess = async () => Number(/\((-?\d+)% less\)/.exec((await summary.textContent()) ?? "")![1]);
  // The input matters: an AI that finds nothing cannot cut critical studies' waits as much as one that finds 95%.
  await page.getByLabel("AI sensitivity").fill("0");
  await page.getByRole("button", { name: "Run simulation" }).click();
  await expect(summary).toContainText(/instead of .* first-in-first-out \(-?\d+% less\)/, { timeout: 15_000 });
  const blindText = (await summary.textContent())!;
  const blind = await percentLess();
  await page.getByLabel("AI sensitivity").fill("0.95");
  await page.getByRole("button", { name: "Run simulation" }).click();
  await expect(summary).not.toHaveText(blindText, { timeout: 15_000 });
  await expect(summary).toContainText(/instead of .* first-in-first-out \(-?\d+% less\)/);
  const good = await percentLess();
  expect(good).toBeGreaterThan(blind);
  await expect(page.getByRole("cell", { name: "ReadNext without the wait cap" })).toBeVisible();
  await page.screenshot({ path: "test-results/what-if.png", fullPage: true });

  // Letting a critical study interrupt a less urgent read cuts its wait further.
  await page.getByLabel("Interruptions").selectOption("critical");
  await page.getByRole("button", { name: "Run simulation" }).click();
  await expect.poll(percentLess, { timeout: 15_000 }).toBeGreaterThan(good);

  // Reading groups: a neuro group only Reader 1 reads, from 08:00 to 18:00, and the first class goes to it.
  // The two others cannot keep up with everything else: the page says so.
  await page.getByRole("button", { name: "Model reading groups and shifts" }).click();
  await expect(page.getByLabel("Readers on duty")).toBeDisabled();
  await page.getByRole("button", { name: "Add group" }).click();
  await page.getByLabel("Group 2 name").fill("Neuro");
  await page.getByLabel("Reader 1 in Neuro").check();
  await page.getByLabel("Reader 1 in General").uncheck();
  await page.getByLabel("Reader 1 from").selectOption("8");
  await page.getByLabel("Reader 1 to").selectOption("18");
  const classes = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Arrivals / h" }) });
  const firstClass = (await classes.getByRole("row").nth(1).getByRole("cell").first().textContent())!.trim();
  await page.getByLabel(`Group, ${firstClass}`).selectOption({ label: "Neuro" });
  await page.getByRole("button", { name: "Run simulation" }).click();
  await expect(page.getByRole("status")).toContainText("These readers cannot keep up", { timeout: 30_000 });

  // Reader 1 also reads General, all day: the department keeps up; the neuro class's waits show by class.
  await page.getByLabel("Reader 1 in General").check();
  await page.getByLabel("Reader 1 from").selectOption("0");
  await page.getByLabel("Reader 1 to").selectOption("24");
  await page.getByRole("button", { name: "Run simulation" }).click();
  await expect(summary).toBeVisible({ timeout: 15_000 });
  const byClass = page.getByRole("table").filter({ has: page.getByText("By class, ReadNext") });
  await expect(byClass.getByRole("row", { name: new RegExp(firstClass) })).toContainText(/\d+ (min|h)/);
  await page.screenshot({ path: "test-results/what-if-groups.png", fullPage: true });

  // Push assignment: each study goes to one reader; the page says how even the work came out, reader by reader.
  await page.getByLabel("Assignment").selectOption("push");
  await expect(page.getByLabel("Reader 2 cap in RVUs")).toBeVisible();
  await page.getByRole("button", { name: "Run simulation" }).click();
  await expect(page.getByRole("status")).toContainText(
    /With push assignment, readers' work ranged from \d+\.\d to \d+\.\d RVUs/,
    { timeout: 15_000 },
  );
  const byReader = page.getByRole("table").filter({ has: page.getByText("By reader, ReadNext") });
  await expect(byReader.getByRole("row")).toHaveCount(4);
  await expect(byReader.getByRole("row", { name: /^Reader 3 [\d,]+ \d+\.\d$/ })).toBeVisible();
  await page.screenshot({ path: "test-results/what-if-push.png", fullPage: true });

  await page.getByRole("button", { name: "Stop modelling groups" }).click();
  await page.getByLabel("Readers on duty").fill("-2");
  await page.getByRole("button", { name: "Run simulation" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The scenario is not valid" })).toContainText("readers");
});

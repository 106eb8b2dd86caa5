import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test("a chair runs the what-if simulator and reads the comparison in words", async ({ page }) => {
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

  await page.getByLabel("Readers on duty").fill("-2");
  await page.getByRole("button", { name: "Run simulation" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The scenario is not valid" })).toContainText("readers");
});

import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

// Shared reading-room workstations: 30 minutes without a key or click signs out, warned a minute
// before. The browser's clock is Playwright's, so half an hour passes in a moment.
test("a workstation left alone is warned at 29 minutes and signed out at 30", async ({ page }) => {
  await page.clock.install();
  await signIn(page, "radiologist@readnext.local");
  await expect(page).toHaveURL(/\/worklist/);

  await page.clock.fastForward("29:05");
  const warning = page.getByRole("alertdialog", { name: "Still there?" });
  await expect(warning).toBeVisible();
  await expect(warning).toContainText(/signed out in \d+ s after 30 minutes without activity/);
  // A stray key does not dismiss it; only the button keeps the session.
  await page.keyboard.press("j");
  await expect(warning).toBeVisible();
  await warning.getByRole("button", { name: "Stay signed in" }).click();
  await expect(warning).toBeHidden();

  // Working on: the clock starts again from the last click.
  await page.clock.fastForward("20:00");
  await page.mouse.click(5, 5);
  await page.clock.fastForward("20:00");
  await expect(warning).toBeHidden();

  await page.clock.fastForward("10:05");
  await expect(page).toHaveURL(/\/sign-in\?reason=idle/);
  await expect(page.getByRole("status")).toHaveText("You were signed out after 30 minutes without activity.");
  // Signed out on the server too: the list is not reachable with the old cookie.
  await page.goto("/worklist");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a page whose session ended elsewhere goes to sign-in and says why", async ({ browser }) => {
  const context = await browser.newContext();
  const first = await context.newPage();
  await signIn(first, "admin@readnext.local");
  const second = await context.newPage();
  // The admin page refreshes its sources every 2 s: the next refresh meets the ended session.
  await second.goto("/admin");
  await expect(second.getByTestId("current-user")).toBeVisible();
  await first.getByRole("button", { name: "Sign out" }).click();
  await expect(second).toHaveURL(/\/sign-in\?reason=ended/, { timeout: 10_000 });
  await expect(second.getByRole("status")).toHaveText("Your session ended. Sign in again to go on.");
  await context.close();
});

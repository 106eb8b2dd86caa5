import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "readnext-demo";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

// The list's keys (N, J/K, Enter) and buttons work once the page is hydrated; the count is drawn from a
// query that runs only then, so a key pressed after it shows is never lost (CI once pressed N too early).
export async function waitForWorklist(page: Page) {
  await expect(page.getByTestId("worklist-count")).toHaveText(/open studies/);
}

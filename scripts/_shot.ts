import { chromium } from "@playwright/test";
const base = "http://127.0.0.1:3100";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
async function as(email: string) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("readnext-demo");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByTestId("current-user").waitFor();
  return page;
}
const c = await as("chair@readnext.local");
await c.goto(`${base}/models`);
await c.getByTestId("model-drift-chart").first().waitFor({ timeout: 60_000 });
await c.waitForTimeout(1500);
await c.screenshot({ path: "/tmp/shot-models-chair.png", fullPage: true });
const a = await as("admin@readnext.local");
await a.goto(`${base}/admin`);
await a.getByTestId("scoring-queue").waitFor();
await a.waitForTimeout(1500);
await a.screenshot({ path: "/tmp/shot-admin.png", fullPage: false });
await browser.close();

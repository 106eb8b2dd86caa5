import { chromium } from "@playwright/test";
const base = "http://127.0.0.1:3100";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
async function as(email: string) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("readnext-demo");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByTestId("current-user").waitFor();
  return page;
}
const r = await as("radiologist@readnext.local");
await r.goto(`${base}/worklist`);
await r.getByTestId("row-order").first().waitFor();
await r.screenshot({ path: "/tmp/shot-worklist.png" });
await r.getByText("ACC24195267").first().click();
await r.keyboard.press("Enter");
await r.getByTestId("panel-reason").waitFor();
await r.screenshot({ path: "/tmp/shot-panel.png" });
const a = await as("admin@readnext.local");
await a.goto(`${base}/admin`);
await a.getByTestId("hl7-admin").waitFor();
await a.getByTestId("hl7-admin").screenshot({ path: "/tmp/shot-admin.png" });
await browser.close();

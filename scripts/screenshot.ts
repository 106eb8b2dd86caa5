// Dev aid: sign in as a user and screenshot a page in Debian's Chromium.
// npx tsx scripts/screenshot.ts <baseUrl> <email> <path> <out.png>
import { chromium } from "@playwright/test";

const [
  baseUrl = "http://127.0.0.1:3000",
  email = "radiologist@readnext.local",
  pagePath = "/",
  out = "screenshot.png",
] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
await page.goto(`${baseUrl}/sign-in`);
if (email !== "-") {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(process.env.PASSWORD ?? "readnext-demo");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByTestId("current-user").waitFor();
  await page.goto(`${baseUrl}${pagePath}`);
}
await page.waitForLoadState("networkidle");
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log(`wrote ${out}`);

import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

const ROLE_NAV = [
  {
    email: "radiologist@readnext.local",
    home: "/worklist",
    nav: ["Worklist"],
    heading: "Worklist",
    empty: "No studies waiting to be read",
  },
  {
    email: "chair@readnext.local",
    home: "/throughput",
    nav: ["Throughput", "What-if", "AI models", "Audit"],
    heading: "Throughput",
    empty: "No reads in the last 24 hours",
  },
  {
    email: "scheduler@readnext.local",
    home: "/backlog",
    nav: ["Backlog"],
    heading: "Backlog",
    empty: "The backlog is empty",
  },
  {
    email: "admin@readnext.local",
    home: "/admin",
    nav: ["Admin", "AI models", "Audit"],
    heading: "PACS sources",
    empty: "No PACS connected yet",
  },
];

test("anonymous visitors are sent to the sign-in page", async ({ page }) => {
  await page.goto("/worklist");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "ReadNext" })).toBeVisible();
});

test("a wrong password shows a clear error and stays on sign-in", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("radiologist@readnext.local");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Wrong email or password, or the account is disabled.")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
});

for (const role of ROLE_NAV) {
  test(`${role.email} lands on ${role.home} and sees only their navigation`, async ({ page }) => {
    await signIn(page, role.email);
    await expect(page).toHaveURL(new RegExp(`${role.home}$`));
    const nav = page.getByRole("navigation", { name: "Sections" }).getByRole("link");
    await expect(nav).toHaveText(role.nav);
    await expect(page.getByRole("heading", { level: 1, name: role.heading })).toBeVisible();
    if (role.empty) await expect(page.getByText(role.empty)).toBeVisible();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
  });
}

test("a radiologist cannot open the admin page", async ({ page }) => {
  await signIn(page, "radiologist@readnext.local");
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/no-access$/);
  await expect(page.getByText("Your roles do not include this section")).toBeVisible();
});

test("an admin adds a user with a role, the audit log shows it, and the new user can sign in", async ({
  page,
  browser,
}) => {
  await signIn(page, "admin@readnext.local");
  await page.getByLabel("Name").fill("Dr. New Reader");
  await page.getByLabel("Email").fill("new.reader@readnext.local");
  await page.getByLabel("Initial password").fill("new-reader-password");
  await page.getByRole("button", { name: "Add user" }).click();
  const row = page.getByTestId("user-row-new.reader@readnext.local");
  await expect(row).toBeVisible();
  await expect(row.getByLabel("Radiologist role for new.reader@readnext.local")).toBeChecked();
  // The box follows the server's answer, so click and wait for it rather than check().
  await row.getByLabel("Scheduler role for new.reader@readnext.local").click();
  await expect(row.getByLabel("Scheduler role for new.reader@readnext.local")).toBeChecked();
  const audit = page.getByRole("listitem").filter({ hasText: "new.reader@readnext.local" });
  await expect(audit.filter({ hasText: "user.create" })).toHaveCount(1);
  await expect(audit.filter({ hasText: "user.roles" })).toHaveCount(1);

  const other = await browser.newContext();
  const newUser = await other.newPage();
  await signIn(newUser, "new.reader@readnext.local", "new-reader-password");
  await expect(newUser.getByRole("navigation", { name: "Sections" }).getByRole("link")).toHaveText([
    "Worklist",
    "Backlog",
  ]);
  await other.close();
});

test("an unknown address says so and leads back to the user's start page", async ({ page }) => {
  await signIn(page, "scheduler@readnext.local");
  const response = await page.goto("/metrics-dashboard");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to your start page" }).click();
  await expect(page).toHaveURL(/\/backlog$/);
});

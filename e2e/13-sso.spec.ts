import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "./helpers";

// Single sign-on through a real OpenID Connect provider (oidc-provider on 127.0.0.1, started by
// scripts/e2e.ts with OIDC_ROLE_MAP "radiologists=radiologist,rad-admins=admin").
const idp = process.env.E2E_IDP_URL!;

async function idpAccount(login: string, change: Record<string, unknown>) {
  const response = await fetch(`${idp}/_test/accounts/${login}`, { method: "PUT", body: JSON.stringify(change) });
  expect(response.status).toBe(204);
}

/** Through ReadNext's button to the provider's own login page and back. */
async function ssoSignIn(page: Page, login: string) {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in with Hospital SSO" }).click();
  await expect(page).toHaveURL(new RegExp(`^${idp}/interaction/`));
  await page.getByLabel("User name").fill(login);
  await page.getByLabel("Password").fill("hospital-pass");
  await page.getByRole("button", { name: "Sign in to the hospital" }).click();
}

/** A fresh browser (no ReadNext session, no session at the provider). */
async function freshPage(browser: Browser) {
  return (await browser.newContext()).newPage();
}

test("signing in through the hospital's provider lands on the role's page, with roles from the groups", async ({
  browser,
}) => {
  const radiologist = await freshPage(browser);
  await ssoSignIn(radiologist, "rad.sso");
  await expect(radiologist).toHaveURL(/\/worklist$/);
  await expect(radiologist.getByTestId("current-user")).toContainText("Dr. Ada Sso");
  await expect(radiologist.getByTestId("current-user")).toContainText("Radiologist");

  const admin = await freshPage(browser);
  await ssoSignIn(admin, "admin.sso");
  await expect(admin).toHaveURL(/\/admin$/);
  await expect(admin.getByTestId("current-user")).toContainText("Ivy Itadmin");
  await expect(admin.getByTestId("user-row-rad.sso@hospital.test")).toBeVisible();
});

test("a hospital account in no mapped group is refused with the reason", async ({ page }) => {
  await ssoSignIn(page, "nobody.sso");
  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(page.getByTestId("sso-error")).toHaveText(/in none of the groups ReadNext gives a role to/);
});

test("the provider's groups are read again at every sign-in: a removed group takes the role away", async ({
  browser,
}) => {
  await idpAccount("admin.sso", { groups: ["staff", "radiologists"] });
  try {
    const page = await freshPage(browser);
    await ssoSignIn(page, "admin.sso");
    await expect(page).toHaveURL(/\/worklist$/);
    await expect(page.getByTestId("current-user")).not.toContainText("Administrator");
  } finally {
    await idpAccount("admin.sso", { groups: ["rad-admins", "staff"] });
  }
});

test("disabled in ReadNext: the open session ends at once and the provider's sign-in is refused", async ({
  browser,
  page,
}) => {
  const reader = await freshPage(browser);
  await ssoSignIn(reader, "rad.sso");
  await expect(reader).toHaveURL(/\/worklist$/);

  // A local (break-glass) administrator disables the account.
  await signIn(page, "admin@readnext.local");
  await page.goto("/admin");
  const row = page.getByTestId("user-row-rad.sso@hospital.test");
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByRole("button", { name: "Enable" })).toBeVisible();
  try {
    await reader.reload();
    await expect(reader).toHaveURL(/\/sign-in/);

    const again = await freshPage(browser);
    await ssoSignIn(again, "rad.sso");
    await expect(again.getByTestId("sso-error")).toHaveText(/disabled in ReadNext/);
  } finally {
    await row.getByRole("button", { name: "Enable" }).click();
    await expect(row.getByRole("button", { name: "Disable" })).toBeVisible();
  }
});

test("disabled at the hospital: the next sign-in through the provider is refused, with its words", async ({ page }) => {
  await idpAccount("rad.sso", { disabled: true });
  try {
    await ssoSignIn(page, "rad.sso");
    await expect(page).toHaveURL(/\/sign-in\?/);
    await expect(page.getByTestId("sso-error")).toHaveText(
      "Hospital SSO refused the sign-in: the account is disabled at the hospital.",
    );
  } finally {
    await idpAccount("rad.sso", { disabled: false });
  }
});

// Last: the sign-in page remembers a failed check for a few seconds.
test("provider down: a clear message on the sign-in page, and local sign-in still works", async ({ page }) => {
  expect((await fetch(`${idp}/_test/down?on=1`, { method: "POST" })).status).toBe(204);
  try {
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in with Hospital SSO" }).click();
    await expect(page.getByTestId("sign-in-error")).toHaveText(
      "Hospital SSO is not available: it answered HTTP 503. Sign in with a local account, or try again later.",
    );
    await expect(page).toHaveURL(/\/sign-in$/);
    await signIn(page, "admin@readnext.local");
  } finally {
    await fetch(`${idp}/_test/down?on=0`, { method: "POST" });
  }
});

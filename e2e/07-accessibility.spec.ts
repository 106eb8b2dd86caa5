import { expect, test, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { signIn, waitForWorklist } from "./helpers";

// WCAG 2.1 A/AA rules (axe-core), on every role's pages; serious and critical findings fail the run.
async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

// Both themes: the OS setting drives them (every demo user starts on "system"), so dark is checked as
// a dim reading room sees it. The dark palette mirrors Tailwind's shades (app/globals.css).
for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`${colorScheme} theme`, () => {
    test.use({ colorScheme });

    test("the sign-in page has no serious or critical WCAG 2.1 AA violations", async ({ page }) => {
      await page.goto("/sign-in");
      expect(await violations(page)).toEqual([]);
    });

    test("the radiologist's worklist, with the study panel open, has no serious or critical violations", async ({
      page,
    }) => {
      await signIn(page, "radiologist@readnext.local");
      await waitForWorklist(page);
      expect(await violations(page)).toEqual([]);
      const firstRow = page.locator("[data-accession]").first();
      if ((await firstRow.count()) > 0) {
        await firstRow.click();
        await expect(page.getByRole("complementary", { name: "Study" })).toBeVisible();
        expect(await violations(page)).toEqual([]);
      }
    });

    for (const [role, email, paths] of [
      ["chair", "chair@readnext.local", ["/throughput", "/what-if", "/models", "/audit"]],
      ["scheduler", "scheduler@readnext.local", ["/backlog"]],
      ["admin", "admin@readnext.local", ["/admin", "/models"]],
    ] as const) {
      test(`the ${role}'s pages have no serious or critical violations`, async ({ page }) => {
        test.setTimeout(60_000);
        await signIn(page, email);
        for (const path of paths) {
          await page.goto(path);
          // Checked once every view has its data (live pages keep a connection open, so no "network idle").
          await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
          await expect(page.getByText(/^(Loading…|Reading the last 30 days…)$/)).toHaveCount(0, { timeout: 15_000 });
          expect(await violations(page), path).toEqual([]);
        }
      });
    }
  });
}

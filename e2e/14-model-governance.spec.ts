import { expect, test } from "@playwright/test";
import { DicomWebAdapter } from "../server/pacs/dicomweb-adapter";
import { configForUrl } from "../server/pacs/source-config";
import { generateStudy } from "../lib/synthetic/studies";
import { signIn } from "./helpers";

const pacs = () => new DicomWebAdapter(configForUrl(process.env.E2E_DICOMWEB_URL!, { timeoutMs: 30_000 }));

// The workers found ich-headct 1.1.0 beside the live 1.0.0 (scripts/e2e.ts): a new version of a
// known model, so it waits in shadow. The admin measures it on the site's labelled studies and promotes it.
test("an admin validates a shadow version on the site's labelled studies, watching it run, then promotes it", async ({
  page,
}) => {
  test.setTimeout(150_000);
  // The site's labelled studies: 12 head CTs, a few of them labelled against the generator (so the AUC is below 1).
  const studies = Array.from({ length: 12 }, (_, i) =>
    generateStudy({
      seed: 14_000 + i,
      kind: "head-ct",
      finding: i < 6 ? "positive" : "none",
      sliceCount: 14,
      size: 128,
      studyDateTime: new Date(),
      withLocalizer: false,
    }),
  );
  for (const s of studies) await pacs().storeInstances(s.instances);
  const labels = [
    "StudyInstanceUID,label,subgroup",
    ...studies.map(
      (s, i) =>
        `${s.studyInstanceUid},${(i < 6 ? 1 : 0) ^ (i === 0 || i === 6 ? 1 : 0)},${i % 2 ? "scanner-b" : "scanner-a"}`,
    ),
    "1.2.826.0.1.999999.14,1,scanner-a",
    `${studies[1]!.studyInstanceUid},2,scanner-b`,
  ].join("\n");

  await signIn(page, "admin@readnext.local");
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "AI models" }).click();
  const shadow = page.getByTestId("model-version-ich-headct-1.1.0");
  const live = page.getByTestId("model-version-ich-headct-1.0.0");
  await expect(shadow).toContainText("shadow");
  await expect(live).toContainText("live");

  await shadow.getByLabel("Labels CSV for ich-headct 1.1.0").setInputFiles({
    name: "site-labels.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(labels),
  });
  await shadow.getByLabel("Target sensitivity").fill("0.9");
  await shadow.getByRole("button", { name: "Validate on these studies" }).click();
  // The run is queued for the workers and shows its progress until it is done.
  const progress = shadow.getByRole("progressbar", { name: "Validation progress site-labels.csv" });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute("max", "14");
  const run = shadow.getByTestId("validation-run").first();
  await expect(run).toHaveAttribute("data-status", "DONE", { timeout: 90_000 });
  await expect(progress).toBeHidden();
  await expect(run.getByTestId("local-auc")).toHaveText(
    /^Local AUC 0\.\d{3} \(95% CI 0\.\d{3}–[01]\.\d{3}\) on 12 studies, 6 positive$/,
  );
  await expect(run).toContainText("12 scored · 0 not applicable · 1 failed · 1 invalid rows");
  await expect(run.getByRole("row", { name: /scanner-a/ })).toBeVisible();
  await run.getByText("Rows not used (2)").click();
  await expect(run).toContainText("line 14 1.2.826.0.1.999999.14: failed – not found on any enabled PACS source");
  await expect(run).toContainText("line 15");
  await expect(run).toContainText('label "2" is not 0 or 1');
  await page.screenshot({ path: "test-results/model-governance.png", fullPage: true });

  // The model card carries the site's figures after the vendor's.
  const card = await page.request.get("/models/ich-headct/card");
  expect(await card.text()).toMatch(/This site's own validation[\s\S]*ich-headct 1\.1\.0[\s\S]*AUC 0\.\d{3} \(95% CI/);

  // Promote: 1.1.0 goes live, 1.0.0 into shadow, in one audited step.
  page.once("dialog", (d) => void d.accept());
  await shadow.getByRole("button", { name: "Promote to live" }).click();
  await expect(shadow).toContainText("live");
  await expect(live).toContainText("shadow");
  await expect(live.getByRole("button", { name: "Promote to live" })).toBeVisible();
  // The monitoring block and the drift bands are there for every enabled version.
  await expect(shadow.getByTestId("model-monitoring")).toContainText("Last 24 h:");
  await expect(page.getByText("Drift alert bands")).toBeVisible();

  // And back: promoting 1.0.0 again is the rollback.
  page.once("dialog", (d) => void d.accept());
  await live.getByRole("button", { name: "Promote to live" }).click();
  await expect(live).toContainText("live");
  await expect(shadow).toContainText("shadow");

  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Audit" }).click();
  const events = page.getByRole("table", { name: "Audit events" }).locator("tbody tr");
  await expect(events.filter({ hasText: "promoted an AI model version to live" })).toHaveCount(2);
  await expect(events.filter({ hasText: "started a local validation of an AI model" })).toHaveCount(1);
});

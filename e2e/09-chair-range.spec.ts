import { expect, test } from "@playwright/test";
import pg from "pg";
import { signIn } from "./helpers";

// A few days of reads (this suite's database starts empty; it runs after the specs that expect that):
// STAT from the ED, HIGH, MEDIUM and ROUTINE outpatients, each claimed, read and with its due time, idempotent.
test.beforeAll(async () => {
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    // Their own source, switched off: nothing is ever fetched from it.
    const source = "e2e-chair-history";
    await db.query(
      `INSERT INTO "PacsSource" (id, name, "baseUrl", enabled, "updatedAt")
       VALUES ($1, 'Chair history (e2e)', 'http://127.0.0.1:9/dicom-web', false, now()) ON CONFLICT DO NOTHING`,
      [source],
    );
    await db.query(
      `INSERT INTO "Study" (id, "sourceId", "studyInstanceUid", modalities, "orderPriority", "patientLocation", "readingState",
                            "firstSeenAt", "claimedAt", "readAt", "dueAtWhenRead", "updatedAt")
       SELECT 'e2e-chair-' || g, $1, '2.25.999' || g, ARRAY[CASE WHEN g % 2 = 0 THEN 'CT' ELSE 'CR' END],
              (ARRAY['STAT', 'HIGH', 'MEDIUM', 'ROUTINE'])[1 + g % 4]::"OrderPriority",
              (CASE WHEN g % 4 = 0 THEN 'ED' ELSE 'OUTPATIENT' END)::"PatientLocation", 'READ',
              t - interval '50 minutes', t - interval '20 minutes', t, t - interval '5 minutes' + (g % 3) * interval '10 minutes', now()
         FROM (SELECT g, now() - (g * interval '7 hours') AS t FROM generate_series(1, 16) g) x
       ON CONFLICT DO NOTHING`,
      [source],
    );
  } finally {
    await db.end();
  }
});

const DAY_MS = 24 * 3600_000;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;

test("a chair picks a range and filters; every figure follows, the address keeps them, and every chart line shows", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, "chair@readnext.local");
  await page.goto("/throughput");
  const bar = page.getByRole("group", { name: "Date range and filters" });
  const from = bar.getByLabel("From", { exact: true });
  const to = bar.getByLabel("To", { exact: true });
  const summary = page.getByTestId("scope-summary");

  // The default: the last four weeks, today included, on the department's clock.
  await expect(bar.getByLabel("Range", { exact: true })).toHaveValue("last28");
  await expect(summary).toHaveText(/^28 days, midnight to midnight in .+ · all studies$/);
  expect(daysBetween(await from.inputValue(), await to.inputValue())).toBe(28);

  // Every line of the SLA chart is drawn in a colour the page defines (an undefined colour draws nothing).
  const lines = page.getByTestId("sla-trend-chart").locator(".recharts-line path");
  await expect(lines.first()).toBeVisible();
  const strokes = await lines.evaluateAll((paths) => paths.map((p) => getComputedStyle(p).stroke));
  expect(strokes.length).toBeGreaterThan(2);
  for (const s of strokes) expect(s).not.toBe("none");

  // A preset moves both ends, and the address says so.
  await bar.getByLabel("Range", { exact: true }).selectOption("last7");
  await expect(summary).toHaveText(/^7 days, /);
  const today = await to.inputValue();
  await expect(page).toHaveURL(new RegExp(`from=${await from.inputValue()}&to=${today}`));

  // A filter: STAT only. Turnaround's class rows are all STAT, and the SLA table has no other priority.
  await bar.getByRole("button", { name: "STAT", exact: true }).click();
  await expect(bar.getByRole("button", { name: "STAT", exact: true })).toHaveAttribute("aria-pressed", "true");
  await expect(summary).toHaveText(/ · 1 filter$/);
  await expect(page).toHaveURL(/priority=STAT/);
  // (Polled: the page swaps each table when its new figures arrive.)
  const classLabels = () =>
    page.getByTestId("stages").getByRole("row").filter({ hasText: " · " }).locator("td:first-child").allTextContents();
  await expect
    .poll(async () => {
      const labels = await classLabels();
      return labels.length > 0 && labels.every((l) => l.startsWith("STAT · "));
    })
    .toBe(true);
  const slaHeaders = () => page.getByTestId("sla-trend-table").getByRole("columnheader").allTextContents();
  await expect.poll(slaHeaders).toEqual(["Day", "All", "STAT"]);

  // A custom range by its two days (ending yesterday, so it is no preset): Custom, and its days counted.
  const day = (back: number) => new Date(Date.parse(today) - back * DAY_MS).toISOString().slice(0, 10);
  await to.fill(day(1));
  await expect(summary).toHaveText(/^6 days, /);
  await from.fill(day(3));
  await expect(summary).toHaveText(/^3 days, .* · 1 filter$/);
  await expect(bar.getByLabel("Range", { exact: true })).toHaveValue("custom");

  // The address keeps range and filter across a reload (and can be sent to a colleague).
  await page.reload();
  await expect(summary).toHaveText(/^3 days, .* · 1 filter$/);
  await expect(bar.getByRole("button", { name: "STAT", exact: true })).toHaveAttribute("aria-pressed", "true");

  await bar.getByRole("button", { name: "Clear filters" }).click();
  await expect(summary).toHaveText(/^3 days, .* · all studies$/);
  await expect(page).not.toHaveURL(/priority=/);

  // An address that cannot be used says why and shows the default instead of nothing.
  await page.goto(`/throughput?from=${today}&to=2000-01-01`);
  await expect(bar.getByRole("alert")).toContainText("the range ends before it starts");
  await expect(summary).toHaveText(/^28 days, /);
  await page.screenshot({ path: "test-results/chair-range.png", fullPage: false });
});

test("a chair switches Reading by reader to per shift: a reader's shift as worked, with its reads", async ({
  page,
}) => {
  // A reader who went on duty 30 hours ago and off 8 hours later (both audited, as the duty switch
  // does), reading two studies in that shift and one after it.
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO "User" (id, name, email, roles, "updatedAt")
       VALUES ('e2e-shift-reader', 'Dr. Shift Reader', 'shift.reader@e2e.local', ARRAY['radiologist']::"Role"[], now())
       ON CONFLICT DO NOTHING`,
    );
    await db.query(
      `INSERT INTO "AuditEvent" (id, at, "actorId", action, details)
       VALUES ('e2e-shift-on', date_trunc('minute', now()) - interval '30 hours', 'e2e-shift-reader', 'reader.on-duty', '{"userId": "e2e-shift-reader"}'),
              ('e2e-shift-off', date_trunc('minute', now()) - interval '22 hours', 'e2e-shift-reader', 'reader.off-duty', '{"userId": "e2e-shift-reader"}')
       ON CONFLICT DO NOTHING`,
    );
    await db.query(
      `INSERT INTO "Study" (id, "sourceId", "studyInstanceUid", modalities, "bodyPart", "readingState", "firstSeenAt", "claimedAt",
                            "readAt", "readById", "updatedAt")
       SELECT 'e2e-shift-' || g, 'e2e-chair-history', '2.25.998' || g, ARRAY['CT'], 'HEAD', 'READ',
              now() - (g * interval '1 hour'), now() - (g * interval '1 hour'), now() - (g * interval '1 hour'), 'e2e-shift-reader', now()
         FROM unnest(ARRAY[29, 25, 10]) g
       ON CONFLICT DO NOTHING`,
    );
  } finally {
    await db.end();
  }
  await signIn(page, "chair@readnext.local");
  await page.goto("/throughput");
  await page.getByLabel("Per reader and").selectOption("shift");
  const table = page.getByTestId("reads-by-shift");
  const rows = table.getByRole("row").filter({ hasText: "Dr. Shift Reader" });
  // The shift (8.0 hours, two reads), and the read after it on its own day, outside a recorded shift.
  await expect(rows).toHaveCount(2);
  const outside = rows.filter({ hasText: "outside a recorded shift" });
  await expect(rows.filter({ hasText: " – " }).getByRole("cell")).toHaveText([
    / – /,
    "Dr. Shift Reader",
    "8.0",
    "2",
    /\d/,
  ]);
  await expect(outside.getByRole("cell")).toHaveText([/outside a recorded shift/, "Dr. Shift Reader", "—", "1", /\d/]);
  await page.getByTestId("reads-by-shift").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/chair-reads-by-shift.png", fullPage: false });
});

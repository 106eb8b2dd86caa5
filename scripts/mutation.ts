/**
 * npm run test:mutation [-- lib|server [stryker options]]: Stryker over the pure code (stryker.lib.config.json, unit tests)
 * and over the server modules that decide order and record (stryker.server.config.json, integration
 * tests on a real Postgres), then one table of mutation scores per area from their JSON reports.
 * Exits non-zero when an area set misses its break threshold, or Stryker fails. Options after the
 * area set go to Stryker, e.g. `npm run test:mutation -- server --mutate server/worklist/claims.ts`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { areaScores, type MutationReport } from "./mutation-scores";

const runs = [
  { name: "lib", config: "stryker.lib.config.json", report: "reports/mutation/lib.json" },
  { name: "server", config: "stryker.server.config.json", report: "reports/mutation/server.json" },
];
const [wanted, ...strykerOptions] = process.argv.slice(2);
if (wanted && !runs.some((r) => r.name === wanted)) {
  console.error(`unknown area set ${wanted}: use lib or server`);
  process.exit(2);
}

let failed = false;
for (const run of runs.filter((r) => !wanted || r.name === wanted)) {
  // A run that fails before reporting must not leave the last run's scores to be printed as its own.
  rmSync(run.report, { force: true });
  const stryker = spawnSync("npx", ["stryker", "run", run.config, ...strykerOptions], { stdio: "inherit" });
  if (stryker.status !== 0) failed = true;
  if (!existsSync(run.report)) {
    console.error(`${run.report} was not written`);
    failed = true;
    continue;
  }
  const report = JSON.parse(readFileSync(run.report, "utf8")) as MutationReport;
  const { rows, total } = areaScores(report);
  const breakAt = report.thresholds?.break ?? 0;
  console.log(`\n${run.name}: mutation score by area (break at ${breakAt} %)`);
  console.table(
    [...rows, total].map((r) => ({
      area: r.area,
      killed: r.killed,
      "timed out": r.timeout,
      survived: r.survived,
      "no coverage": r.noCoverage,
      "score %": r.score === null ? "-" : r.score.toFixed(2),
    })),
  );
  if (total.score !== null && total.score < breakAt) failed = true;
}
process.exit(failed ? 1 : 0);

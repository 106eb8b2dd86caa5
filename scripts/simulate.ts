// npm run simulate [-- --scenario file.json] [--print-default]: the what-if simulator
// from the command line; prints the comparison of queue disciplines as JSON.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { simulate } from "../lib/sim/simulate";
import { DEFAULT_SCENARIO } from "../lib/sim/default-scenario";

const { values } = parseArgs({ options: { scenario: { type: "string" }, "print-default": { type: "boolean" } } });
if (values["print-default"]) {
  console.log(JSON.stringify(DEFAULT_SCENARIO, null, 2));
  process.exit(0);
}
let scenario: unknown = DEFAULT_SCENARIO;
if (values.scenario) {
  try {
    scenario = JSON.parse(readFileSync(values.scenario, "utf8"));
  } catch (error) {
    console.error(`Cannot read scenario ${values.scenario}: ${(error as Error).message}`);
    process.exit(2);
  }
}
const round = (_key: string, v: unknown) => (typeof v === "number" ? Math.round(v * 100) / 100 : v);
try {
  const started = performance.now();
  const result = simulate(scenario as Parameters<typeof simulate>[0]);
  console.log(
    JSON.stringify({ ...result, runtimeMs: Math.round(performance.now() - started), waitsIn: "minutes" }, round, 2),
  );
} catch (error) {
  console.error(`Invalid scenario: ${(error as Error).message}`);
  process.exit(2);
}

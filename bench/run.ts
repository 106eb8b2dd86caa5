// npm run bench [-- name ...]: runs the benchmarks (all, or those named) and prints their JSON.
import { spawnSync } from "node:child_process";

const BENCHES: Record<string, string> = {
  intake: "bench/intake-latency.ts",
  worklist: "bench/worklist-load.ts",
  "worklist-http": "bench/worklist-http.ts",
  scoring: "bench/scoring-latency.ts",
  dashboard: "bench/dashboard-load.ts",
  routing: "bench/routing-load.ts",
  ingest: "bench/ingest-sync.ts",
  day: "bench/day-replay.ts",
};
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(BENCHES);
let failed = false;
for (const name of wanted) {
  const file = BENCHES[name];
  if (!file) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(", ")}`);
    process.exit(2);
  }
  const result = spawnSync(process.execPath, ["--import", "tsx", file], { stdio: "inherit" });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);

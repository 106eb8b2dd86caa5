import { defineConfig } from "vitest/config";
import base from "./vitest.config";

// What mutation testing of the server modules runs (stryker.server.config.json): the integration tests that
// drive the order-and-record modules in the test's own process, against a real Postgres (and Orthanc for
// ingest). Tests that score in spawned worker processes are left out: a mutant is switched on only in
// the process that runs the tests, so they could not kill one and would only add minutes.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "test/integration/worklist.test.ts",
      "test/integration/ingest.test.ts",
      "test/integration/scoring.test.ts",
      "test/integration/audit-log.test.ts",
      "test/integration/users-audit.test.ts",
      "test/integration/assignment.test.ts",
      "test/integration/routing.test.ts",
      "test/integration/live-change.test.ts",
      "test/integration/ai-models.test.ts",
      "test/integration/result-write-back.test.ts",
      "test/unit/priority-input.test.ts",
    ],
    // scoring.test.ts skips its worker-process suite when this is set.
    env: { READNEXT_IN_PROCESS_TESTS_ONLY: "1" },
  },
});

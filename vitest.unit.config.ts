import { defineConfig } from "vitest/config";
import path from "node:path";

// Unit tests of pure code only (no database, no processes): what mutation testing of lib/ runs.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["test/unit/**/*.test.ts"],
    testTimeout: 120_000,
  },
});

// npm run test:e2e: Playwright in Debian's Chromium against a production build,
// on a fresh database (embedded, or a new database on DATABASE_URL's server).
import { spawnSync } from "node:child_process";
import { createTestDatabase, freePort } from "../test/support/test-database";
import { buildWebAppIfNeeded, startWebApp, waitForHealthy } from "../server/runtime/web-app";
import { createDb } from "../server/db/client";
import { seedDemoUsers } from "../server/services/demo-users";

const database = await createTestDatabase("e2e");
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  DATABASE_URL: database.url,
  BETTER_AUTH_URL: baseUrl,
  BETTER_AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e-secret",
  // Every spec signs in from the same address.
  AUTH_SIGNIN_ATTEMPTS_PER_MINUTE: "1000",
};

const client = createDb(database.url);
await seedDemoUsers(client);
await client.$disconnect();

let code = 1;
if (buildWebAppIfNeeded(env)) {
  const web = startWebApp({ dev: false, host: "127.0.0.1", port, env, quiet: true });
  let serverLog = "";
  web.stdout?.on("data", (d) => (serverLog += d));
  web.stderr?.on("data", (d) => (serverLog += d));
  try {
    await waitForHealthy(baseUrl);
    const result = spawnSync(process.execPath, ["node_modules/@playwright/test/cli.js", "test", ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...env, E2E_BASE_URL: baseUrl },
    });
    code = result.status ?? 1;
    if (code !== 0) console.error(`--- web server log ---\n${serverLog.slice(-5000)}`);
  } finally {
    web.kill("SIGTERM");
  }
}
await database.drop();
process.exit(code);

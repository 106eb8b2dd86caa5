// npm start: the whole product on one machine with embedded defaults.
// Provides the database (embedded unless DATABASE_URL), migrates, seeds demo users,
// builds the web app when the build is missing or older than the sources, and serves it.
// `--dev` (npm run dev) runs `next dev` instead of a production build.
import { env } from "../server/env";
import { provideDatabase } from "../server/runtime/database";
import { ensureAuthSecret } from "../server/runtime/auth-secret";
import { buildWebAppIfNeeded, startWebApp } from "../server/runtime/web-app";
import { createDb } from "../server/db/client";
import { describeDemoUsers, seedDemoUsers } from "../server/services/demo-users";

const dev = process.argv.includes("--dev");
const config = env();

const database = await provideDatabase();
const client = createDb(database.url);
await seedDemoUsers(client);
await client.$disconnect();

const childEnv = {
  ...process.env,
  DATABASE_URL: database.url,
  BETTER_AUTH_SECRET: config.BETTER_AUTH_SECRET ?? ensureAuthSecret(config.DATA_DIR),
};

if (!dev && !buildWebAppIfNeeded(childEnv)) {
  await database.stop();
  process.exit(1);
}

const web = startWebApp({ dev, host: config.HOST, port: config.PORT, env: childEnv });
console.log(`\nReadNext: ${config.BETTER_AUTH_URL}\n${describeDemoUsers()}\n`);

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  web.kill("SIGTERM");
  await database.stop().catch(() => undefined);
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
web.on("exit", (code) => void shutdown(code ?? 0));

// npm run test:e2e: Playwright in Debian's Chromium against a production build, with
// a fresh database (embedded, or a new database on DATABASE_URL's server), a private
// Orthanc holding a few synthetic studies, and a worker process, as in production.
import { spawn } from "node:child_process";
import { createTestDatabase, freePort } from "../test/support/test-database";
import { startTestOrthanc } from "../test/support/orthanc";
import { buildWebAppIfNeeded, startWebApp, waitForHealthy } from "../server/runtime/web-app";
import { createDb } from "../server/db/client";
import { seedDemoUsers } from "../server/users/demo-users";
import { createUser } from "../server/users/users";
import { DicomWebAdapter } from "../server/pacs/dicomweb-adapter";
import { configForUrl } from "../server/pacs/source-config";
import { generateStudy } from "../lib/synthetic/studies";
import { startTestIdp } from "../test/support/oidc-idp";
import { modelsFolderWithNewVersion } from "../test/support/models-folder";

const database = await createTestDatabase("e2e");
const orthanc = await startTestOrthanc();
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
// The hospital's identity provider for single sign-on (e2e/13-sso.spec.ts), on loopback.
const idp = await startTestIdp({
  port: await freePort(),
  redirectUri: `${baseUrl}/api/auth/callback/hospital`,
  accounts: {
    "rad.sso": {
      email: "rad.sso@hospital.test",
      name: "Dr. Ada Sso",
      password: "hospital-pass",
      groups: ["radiologists"],
    },
    "admin.sso": {
      email: "admin.sso@hospital.test",
      name: "Ivy Itadmin",
      password: "hospital-pass",
      groups: ["rad-admins", "staff"],
    },
    "nobody.sso": {
      email: "nobody.sso@hospital.test",
      name: "Nora Nogroup",
      password: "hospital-pass",
      groups: ["staff"],
    },
  },
});
// The demo models plus a new version of ich-headct (1.1.0), which the workers put in shadow (e2e/14).
const models = modelsFolderWithNewVersion("e2e");
const env = {
  ...process.env,
  MODELS_DIR: models.dir,
  DATABASE_URL: database.url,
  BETTER_AUTH_URL: baseUrl,
  BETTER_AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e-secret",
  SECRETS_KEY: "e2e-secrets-key-e2e-secrets-key-e2e-secrets",
  // Every spec signs in from the same address.
  AUTH_SIGNIN_ATTEMPTS_PER_MINUTE: "1000",
  LOG_LEVEL: "warn",
  OIDC_ISSUER: idp.issuer,
  OIDC_CLIENT_ID: idp.clientId,
  OIDC_CLIENT_SECRET: idp.clientSecret,
  OIDC_DISPLAY_NAME: "Hospital SSO",
  OIDC_ROLE_MAP: "radiologists=radiologist,rad-admins=admin",
};

const client = createDb(database.url);
await seedDemoUsers(client);
// A second reader, to watch claims from another browser.
await createUser(client, null, {
  name: "Dr. Sam Second",
  email: "second.reader@readnext.local",
  password: "readnext-demo",
  roles: ["radiologist"],
});
await client.$disconnect();
const stow = new DicomWebAdapter(configForUrl(orthanc.dicomWebUrl, { timeoutMs: 30_000 }));
for (let seed = 1; seed <= 3; seed++)
  await stow.storeInstances(generateStudy({ seed, kind: "other", studyDateTime: new Date() }).instances);

let code = 1;
if (buildWebAppIfNeeded(env)) {
  const worker = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], { stdio: "inherit", env });
  const web = startWebApp({ dev: false, host: "127.0.0.1", port, env, quiet: true });
  let serverLog = "";
  web.stdout?.on("data", (d) => (serverLog += d));
  web.stderr?.on("data", (d) => (serverLog += d));
  try {
    await waitForHealthy(baseUrl);
    // Not spawnSync: this process serves the test identity provider meanwhile.
    const playwright = spawn(
      process.execPath,
      ["node_modules/@playwright/test/cli.js", "test", ...process.argv.slice(2)],
      {
        stdio: "inherit",
        env: { ...env, E2E_BASE_URL: baseUrl, E2E_DICOMWEB_URL: orthanc.dicomWebUrl, E2E_IDP_URL: idp.issuer },
      },
    );
    const result = { status: await new Promise<number | null>((resolve) => playwright.once("exit", resolve)) };
    code = result.status ?? 1;
    if (code !== 0) console.error(`--- web server log ---\n${serverLog.slice(-5000)}`);
  } finally {
    web.kill("SIGTERM");
    worker.kill("SIGTERM");
    await Promise.all([web, worker].map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  }
}
await idp.stop();
models.remove();
await orthanc.stop();
await database.drop();
process.exit(code);

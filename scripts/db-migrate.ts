// npm run db:migrate: applies prisma/migrations to DATABASE_URL, or to the embedded Postgres,
// then seals stored PACS credentials with SECRETS_KEY (plain ones from before sealing, or after a rotation).
import { createDb } from "../server/db/client";
import { sealSourceSecrets } from "../server/pacs/source-secrets";
import { provideDatabase } from "../server/runtime/database";

const database = await provideDatabase();
const db = createDb(database.url);
try {
  const { sealed, resealed } = await sealSourceSecrets(db);
  if (sealed || resealed) console.log(`Sealed ${sealed + resealed} stored PACS credential(s) with SECRETS_KEY.`);
} catch (error) {
  console.error(`Cannot seal stored PACS credentials: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  await database.stop();
}

// npm run db:seed: creates the demo accounts (one per role) and prints their credentials.
import { provideDatabase } from "../server/runtime/database";
import { createDb } from "../server/db/client";
import { describeDemoUsers, seedDemoUsers } from "../server/users/demo-users";

const database = await provideDatabase();
const client = createDb(database.url);
try {
  const { created } = await seedDemoUsers(client);
  console.log(created.length ? `Created ${created.length} demo accounts.` : "Demo accounts already exist.");
  console.log(describeDemoUsers());
} finally {
  await client.$disconnect();
  await database.stop();
}

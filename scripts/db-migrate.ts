// npm run db:migrate: applies prisma/migrations to DATABASE_URL, or to the embedded Postgres.
import { provideDatabase } from "../server/runtime/database";

const database = await provideDatabase();
await database.stop();

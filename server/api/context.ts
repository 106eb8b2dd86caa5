import { db } from "../db/client";
import { getCurrentUser } from "../auth/current-user";
import type { Context } from "./trpc";
import { requestOrigin } from "../audit/patient-data-views";

/** Per-request tRPC context: the database and the signed-in user (or null). */
export async function createContext(headers: Headers): Promise<Context> {
  const database = db();
  return { db: database, user: await getCurrentUser(database, headers), origin: requestOrigin(headers) };
}

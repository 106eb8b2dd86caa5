import { testDb } from "./db";

/**
 * Every public table's rows as one md5 per table (except `skip`), read in one statement:
 * compare two of them to prove a refused call wrote nothing.
 */
export async function tableDigester(skip: readonly string[] = []): Promise<() => Promise<Record<string, string>>> {
  const tables = await testDb().$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`;
  const sql = tables
    .filter((t) => t.tablename !== "_prisma_migrations" && !skip.includes(t.tablename))
    .map(
      (t) =>
        `SELECT '${t.tablename}' AS t, md5(string_agg(x::text, ',' ORDER BY x::text)) AS digest FROM "${t.tablename}" x`,
    )
    .join(" UNION ALL ");
  return async () => {
    const rows = await testDb().$queryRawUnsafe<{ t: string; digest: string | null }[]>(sql);
    return Object.fromEntries(rows.map((r) => [r.t, r.digest ?? ""]));
  };
}

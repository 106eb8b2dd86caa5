import { Prisma } from "./generated/client";

/**
 * Values written into a statement's text rather than sent as parameters. Next case runs on a
 * plan Postgres makes once per statement and keeps (server/db/client.ts, `genericPlan`): such a
 * plan knows its literals and estimates each index walk from the column statistics, but has
 * to guess at parameters (a guessed `sourceId <> ALL($n)` on a one-site backlog reads as "no
 * rows", and the walk became a sort of a whole reading group). So what shapes a reader's walks
 * (their sites, privileges, groups, saved filters) goes in as literals, and only the clock and
 * the user's id stay parameters. One statement per shape: readers alike share it.
 *
 * Strings are E'' literals with backslashes and quotes escaped, which read the same whatever
 * standard_conforming_strings says.
 */
export function textLiteral(value: string): Prisma.Sql {
  // Postgres text cannot hold NUL; as a parameter it was refused too.
  if (value.includes("\0")) throw new Error("A text value cannot contain a NUL character.");
  return Prisma.raw(`E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`);
}

/** `ARRAY[...]::<type>[]` of literals; `type` is one of ours (text or an enum the schema defines). */
export function arrayLiteral(
  values: readonly string[],
  type: "text" | '"OrderPriority"' | '"PatientLocation"',
): Prisma.Sql {
  return values.length
    ? Prisma.sql`ARRAY[${Prisma.join(values.map(textLiteral), ",")}]::${Prisma.raw(type)}[]`
    : Prisma.raw(`ARRAY[]::${type}[]`);
}

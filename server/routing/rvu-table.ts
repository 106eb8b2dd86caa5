import type { Db } from "../db/client";
import { InvalidRequestError } from "../core/errors";
import { getRvuTable, saveSetting } from "../core/settings";
import { parseRvuCsv, rvuTableSchema, type RvuTable } from "@/lib/routing/rvu";

/** The CSV's most errors a reply lists; the count says how many more there were. */
const MAX_ERRORS = 20;

/**
 * Replaces the RVU table's rows with a CSV file's (header `modality,body_part,rvu,note`),
 * keeping the default. All lines must be good, or nothing is saved and the error lists each
 * bad line. Saved like any setting (audited, NOTIFY): workers re-weigh open studies.
 */
export async function importRvuCsv(db: Db, actorId: string, csv: string): Promise<RvuTable> {
  const parsed = parseRvuCsv(csv);
  if (!parsed.ok) {
    const more = parsed.errors.length - MAX_ERRORS;
    throw new InvalidRequestError(
      `Nothing imported. ${parsed.errors.slice(0, MAX_ERRORS).join("; ")}${more > 0 ? `; and ${more} more` : ""}`,
    );
  }
  const table = rvuTableSchema.parse({
    defaultRvu: (await getRvuTable(db, { fresh: true })).defaultRvu,
    rows: parsed.rows,
  });
  await saveSetting(db, actorId, "rvu", table);
  return table;
}

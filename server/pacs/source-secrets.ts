import type { Db } from "../db/client";
import {
  isSealed,
  openSecret,
  sealSecret,
  sealedWith,
  SecretKeyError,
  secretKeys,
  type SecretKeys,
} from "../core/secret-box";

export type SealReport = { sealed: number; resealed: number };

/**
 * At start-up: every stored PACS password or token ends up sealed with SECRETS_KEY. Values stored
 * in plain text (before sealing existed) are sealed; values sealed with SECRETS_KEY_PREVIOUS are
 * sealed again (a rotation). A value no key opens stops start-up, naming the source.
 */
export async function sealSourceSecrets(db: Db, keys: SecretKeys = secretKeys()): Promise<SealReport> {
  const rows = await db.pacsSource.findMany({
    where: { secret: { not: null } },
    select: { id: true, name: true, secret: true },
  });
  const report: SealReport = { sealed: 0, resealed: 0 };
  for (const row of rows) {
    const stored = row.secret!;
    let plain: string;
    try {
      plain = isSealed(stored) ? openSecret(stored, keys) : stored;
    } catch (error) {
      throw new SecretKeyError(`PACS source "${row.name}": ${(error as Error).message}`);
    }
    if (isSealed(stored) && sealedWith(stored, keys) === "current") continue;
    // Only if nobody changed it meanwhile (another process starting at the same time).
    const { count } = await db.pacsSource.updateMany({
      where: { id: row.id, secret: stored },
      data: { secret: sealSecret(plain, keys) },
    });
    if (count) report[isSealed(stored) ? "resealed" : "sealed"]++;
  }
  return report;
}

import type { Db } from "../server/db/client";
import { createSource, type SourceInput } from "../server/pacs/pacs-sources";

/**
 * The benches' PACS source: a private Orthanc on loopback, no auth, followed through its change feed
 * and swept hourly over the last day. `overrides` says how a bench differs.
 */
export function createBenchSource(db: Db, dicomWebUrl: string, overrides: Partial<SourceInput> = {}) {
  return createSource(db, null, {
    name: "bench",
    baseUrl: dicomWebUrl,
    authType: "none",
    timeoutMs: 30_000,
    capabilities: { orthancChangeFeed: true },
    locationTag: "00380300",
    backfillDays: 1,
    syncIntervalSeconds: 3600,
    enabled: true,
    ...overrides,
  });
}

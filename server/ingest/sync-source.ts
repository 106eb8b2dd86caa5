import type { Db } from "../db/client";
import { DicomWebAdapter } from "../pacs/dicomweb-adapter";
import { sourceConfigFromRow } from "../pacs/source-config";
import { studyRecordFromQido, toDicomDate, type StudyRecord } from "@/lib/ingest/study-record";
import { upsertStudy } from "./upsert-study";
import { sweepWindow } from "@/lib/ingest/sweep-window";
import { env } from "../env";
import { recordSourceFailure, recordSourceSuccess, recordSyncProgress, recordSyncStarted } from "./source-status";
import { NotFoundError } from "../core/errors";

/** Studies a sweep stores at once. */
const SYNC_LANES = 4;

/**
 * Runs `work` over `items` in order, `lanes` at a time. The first failure stops the lanes from
 * taking more and is thrown once every running item has finished (nothing is left writing).
 */
async function inLanes<T>(items: T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (!failure && next < items.length) {
        const item = items[next++]!;
        try {
          await work(item);
        } catch (error) {
          failure ??= { error };
        }
      }
    }),
  );
  if (failure) throw (failure as { error: unknown }).error;
}

export type SyncResult = {
  pages: number;
  seen: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: string[];
};

/**
 * One QIDO-RS sweep of a source: lists studies from a StudyDate window (the first
 * sync looks back `backfillDays`; later ones re-read from the day before the last
 * success, so late arrivals and clock skew are covered; every DEEP_SWEEP_HOURS one looks
 * back `backfillDays` again: lib/ingest/sweep-window.ts), page by page, sorts them
 * locally (QIDO has no sort) and upserts each. A failure leaves the window where it
 * was, so the next attempt misses nothing.
 */
export async function syncSource(
  db: Db,
  sourceId: string,
  options: { now?: Date; pageSize?: number; deepEveryHours?: number } = {},
): Promise<SyncResult> {
  const source = await db.pacsSource.findUnique({ where: { id: sourceId } });
  if (!source) throw new NotFoundError("PACS source", sourceId);
  const startedAt = options.now ?? new Date();
  const pageSize = options.pageSize ?? 100;
  const adapter = new DicomWebAdapter(sourceConfigFromRow(source));
  const { from, deep } = sweepWindow(source, startedAt, options.deepEveryHours ?? env().DEEP_SWEEP_HOURS);
  const result: SyncResult = { pages: 0, seen: 0, created: 0, updated: 0, unchanged: 0, skipped: [] };
  try {
    await recordSyncStarted(db, sourceId, startedAt);
    const found = new Map<string, StudyRecord>();
    for (let offset = 0; ; offset += pageSize) {
      const page = await adapter.searchStudies({ studyDateFrom: toDicomDate(from), limit: pageSize, offset });
      result.pages += 1;
      for (const ds of page) {
        try {
          const record = studyRecordFromQido(ds, { locationTag: source.locationTag });
          found.set(record.studyInstanceUid, record);
        } catch (error) {
          result.skipped.push((error as Error).message);
        }
      }
      await recordSyncProgress(db, sourceId, {
        phase: "listing",
        pagesDone: result.pages,
        studiesDone: 0,
        studiesTotal: found.size,
      });
      if (page.length < pageSize) break;
    }
    const records = [...found.values()].sort(
      (a, b) => (a.studyDateTime?.getTime() ?? 0) - (b.studyDateTime?.getTime() ?? 0),
    );
    result.seen = records.length;
    // A few studies at a time: each waits on its series query to the PACS and then on its own
    // transaction, so lanes overlap one study's network wait with another's database work
    // (npm run bench -- ingest). Oldest first still, give or take the lanes.
    let done = 0;
    await inLanes(records, SYNC_LANES, async (record) => {
      result[await upsertStudy(db, sourceId, record, adapter)] += 1;
      done += 1;
      if (done % 10 === 0)
        await recordSyncProgress(db, sourceId, {
          phase: "storing",
          pagesDone: result.pages,
          studiesDone: done,
          studiesTotal: records.length,
        });
    });
    await recordSourceSuccess(db, sourceId, startedAt, deep, {
      phase: "done",
      pagesDone: result.pages,
      studiesDone: records.length,
      studiesTotal: records.length,
      created: result.created,
      updated: result.updated,
      unchanged: result.unchanged,
    });
    return result;
  } catch (error) {
    await recordSourceFailure(db, sourceId, error as Error);
    throw error;
  }
}

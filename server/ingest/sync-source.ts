import type { Db } from "../db/client";
import { DicomWebAdapter } from "../pacs/dicomweb-adapter";
import { sourceConfigFromRow } from "../pacs/source-config";
import { studyRecordFromQido, toDicomDate, type StudyRecord } from "@/lib/ingest/study-record";
import { upsertStudy } from "./upsert-study";
import { sweepWindow } from "@/lib/ingest/sweep-window";
import { env } from "../env";
import { recordSourceFailure, recordSourceSuccess, recordSyncProgress, recordSyncStarted } from "./source-status";
import { NotFoundError } from "../core/errors";

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
    for (const [i, record] of records.entries()) {
      result[await upsertStudy(db, sourceId, record, adapter)] += 1;
      if ((i + 1) % 10 === 0)
        await recordSyncProgress(db, sourceId, {
          phase: "storing",
          pagesDone: result.pages,
          studiesDone: i + 1,
          studiesTotal: records.length,
        });
    }
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

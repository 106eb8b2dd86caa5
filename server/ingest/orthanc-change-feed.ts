import type { Db } from "../db/client";
import { DicomWebAdapter } from "../pacs/dicomweb-adapter";
import { sourceConfigFromRow } from "../pacs/source-config";
import { studyRecordFromQido } from "@/lib/ingest/study-record";
import { upsertStudy, type UpsertOutcome } from "./upsert-study";

/**
 * Fast intake for Orthanc: reads its change feed from the stored cursor, stores each
 * completed (stable) study (through the same QIDO lookup and upsert as the periodic
 * sync), then advances the cursor. The cursor moves only after the studies are
 * stored, so a crash replays rather than skips. The periodic sync stays the safety net.
 */
export async function pollOrthancChangeFeed(db: Db, sourceId: string): Promise<{ studies: number; outcomes: UpsertOutcome[] }> {
  const source = await db.pacsSource.findUniqueOrThrow({ where: { id: sourceId } });
  const adapter = new DicomWebAdapter(sourceConfigFromRow(source));
  const outcomes: UpsertOutcome[] = [];
  if (source.changeFeedCursor === null) {
    // First contact: history is the periodic sync's job; start from the feed's end.
    const { last } = await adapter.orthancChanges(null);
    await db.pacsSource.update({ where: { id: sourceId }, data: { changeFeedCursor: last } });
    return { studies: 0, outcomes };
  }
  let cursor: bigint = source.changeFeedCursor;
  for (;;) {
    const { studyIds, last, done } = await adapter.orthancChanges(cursor);
    for (const orthancId of studyIds) {
      const uid = await adapter.orthancStudyInstanceUid(orthancId);
      if (!uid) continue;
      const [ds] = await adapter.searchStudies({ studyInstanceUid: uid, limit: 1, offset: 0 });
      if (ds) outcomes.push(await upsertStudy(db, sourceId, studyRecordFromQido(ds, { locationTag: source.locationTag }), adapter));
    }
    // `last` can also be lower than the cursor when Orthanc's database was replaced: follow it.
    if (last !== cursor) await db.pacsSource.update({ where: { id: sourceId }, data: { changeFeedCursor: last } });
    cursor = last;
    if (done) break;
  }
  return { studies: outcomes.length, outcomes };
}

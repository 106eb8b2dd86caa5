import type { Db } from "../db/client";
import { DicomWebAdapter } from "../pacs/dicomweb-adapter";
import { sourceConfigFromRow } from "../pacs/source-config";
import { studyRecordFromQido } from "@/lib/ingest/study-record";
import { upsertStudy, type UpsertOutcome } from "./upsert-study";

/**
 * Studies Orthanc has announced (NewStudy) but not yet called stable, with the instance
 * count seen at the last poll. Kept in memory per worker: losing it only means waiting
 * for StableStudy, which is in the feed after it.
 */
export type SettlingStudies = Map<string, { instances: number; since: number }>;

/** Give up watching a study for early intake after this long; StableStudy takes it from there. */
const SETTLING_LIMIT_MS = 10 * 60_000;

/**
 * Fast intake for Orthanc: reads its change feed from the stored cursor, stores each
 * completed (stable) study (through the same QIDO lookup and upsert as the periodic
 * sync), then advances the cursor. The cursor moves only after the studies are
 * stored, so a crash replays rather than skips. The periodic sync stays the safety net.
 *
 * Early intake: Orthanc calls a study stable only 1–2 s after its last instance
 * (StableAge has whole-second resolution and a 1 s floor). A study it announced is also
 * taken as soon as its instance count stays the same across two polls; if more arrive
 * later, StableStudy bumps its revision and it is scored again.
 */
export async function pollOrthancChangeFeed(
  db: Db,
  sourceId: string,
  settling: SettlingStudies = new Map(),
): Promise<{ studies: number; outcomes: UpsertOutcome[] }> {
  const source = await db.pacsSource.findUniqueOrThrow({ where: { id: sourceId } });
  const adapter = new DicomWebAdapter(sourceConfigFromRow(source));
  const outcomes: UpsertOutcome[] = [];
  if (source.changeFeedCursor === null) {
    // First contact: history is the periodic sync's job; start from the feed's end.
    const { last } = await adapter.orthancChanges(null);
    await db.pacsSource.update({ where: { id: sourceId }, data: { changeFeedCursor: last } });
    return { studies: 0, outcomes };
  }
  const store = async (orthancId: string) => {
    const uid = await adapter.orthancStudyInstanceUid(orthancId);
    if (!uid) return;
    const [ds] = await adapter.searchStudies({ studyInstanceUid: uid, limit: 1, offset: 0 });
    if (ds)
      outcomes.push(
        await upsertStudy(db, sourceId, studyRecordFromQido(ds, { locationTag: source.locationTag }), adapter),
      );
  };
  // Announced studies whose instance count held still since the last poll are complete enough to take.
  for (const [orthancId, seen] of settling) {
    const instances = await adapter.orthancStudyInstanceCount(orthancId);
    if (instances === null || Date.now() - seen.since > SETTLING_LIMIT_MS) settling.delete(orthancId);
    else if (instances > 0 && instances === seen.instances) {
      settling.delete(orthancId);
      await store(orthancId);
    } else seen.instances = instances;
  }
  let cursor: bigint = source.changeFeedCursor;
  for (;;) {
    const { studyIds, newStudyIds, last, done } = await adapter.orthancChanges(cursor);
    for (const orthancId of newStudyIds)
      if (!settling.has(orthancId)) settling.set(orthancId, { instances: -1, since: Date.now() });
    for (const orthancId of studyIds) {
      settling.delete(orthancId);
      await store(orthancId);
    }
    // `last` can also be lower than the cursor when Orthanc's database was replaced: follow it.
    if (last !== cursor) await db.pacsSource.update({ where: { id: sourceId }, data: { changeFeedCursor: last } });
    cursor = last;
    if (done) break;
  }
  return { studies: outcomes.length, outcomes };
}

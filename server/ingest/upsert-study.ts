import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { DicomWebAdapter } from "../pacs/dicomweb-adapter";
import { seriesRecordFromQido, type SeriesRecord, type StudyRecord } from "@/lib/ingest/study-record";
import { recordAudit } from "../core/audit";
import { log } from "../log";
import { refreshPriorities } from "../worklist/refresh-priority";
import { notifyWorklist } from "../core/worklist-events";
import { notifyNewRevision } from "./revisions";
import { srSeriesUid } from "@/lib/sr/sr-uids";
import { applyOrderToStudies } from "../orders/imaging-orders";

export type UpsertOutcome = "created" | "updated" | "unchanged";

/** The study's image series; the series of AI result SRs ReadNext wrote back is not new work. */
async function fetchSeries(adapter: DicomWebAdapter, studyInstanceUid: string): Promise<SeriesRecord[] | null> {
  const ours = srSeriesUid(studyInstanceUid);
  try {
    return (await adapter.searchSeries(studyInstanceUid))
      .map(seriesRecordFromQido)
      .filter((s) => s.seriesInstanceUid !== ours);
  } catch (error) {
    // The study is stored regardless; its series come with the next change or sync.
    log.warn({ err: (error as Error).message, studyInstanceUid }, "series lookup failed");
    return null;
  }
}

function studyData(record: StudyRecord, series: SeriesRecord[] | null) {
  const { studyInstanceUid: _uid, ...fields } = record;
  // QIDO has no study-level body part; take the series' (the first one that says).
  const bodyPart = series?.find((s) => s.bodyPart)?.bodyPart;
  return bodyPart ? { ...fields, bodyPart } : fields;
}

function sameSeries(
  stored: { seriesInstanceUid: string; numberOfInstances: number }[],
  fetched: SeriesRecord[],
): boolean {
  const counts = new Map(stored.map((s) => [s.seriesInstanceUid, s.numberOfInstances]));
  return (
    fetched.length === stored.length && fetched.every((s) => counts.get(s.seriesInstanceUid) === s.numberOfInstances)
  );
}

async function writeSeries(tx: Prisma.TransactionClient, studyId: string, series: SeriesRecord[]) {
  for (const s of series) {
    await tx.series.upsert({
      where: { studyId_seriesInstanceUid: { studyId, seriesInstanceUid: s.seriesInstanceUid } },
      create: { studyId, ...s },
      update: s,
    });
  }
}

/**
 * Stores one study the PACS reported, exactly once per (source, StudyInstanceUID),
 * whichever path it came by. A study that gained series or instances is updated,
 * its revision bumped so scoring can rerun. Safe against concurrent callers.
 */
export async function upsertStudy(
  db: Db,
  sourceId: string,
  record: StudyRecord,
  adapter: DicomWebAdapter,
): Promise<UpsertOutcome> {
  const key = { sourceId_studyInstanceUid: { sourceId, studyInstanceUid: record.studyInstanceUid } };
  const existing = await db.study.findUnique({
    where: key,
    select: {
      id: true,
      revision: true,
      numberOfSeries: true,
      numberOfInstances: true,
      _count: { select: { series: true } },
    },
  });

  if (!existing) {
    const series = await fetchSeries(adapter, record.studyInstanceUid);
    try {
      await db.$transaction(async (tx) => {
        const study = await tx.study.create({
          data: { sourceId, studyInstanceUid: record.studyInstanceUid, ...studyData(record, series) },
        });
        if (series) await writeSeries(tx, study.id, series);
        await refreshPriorities(tx, [study.id]);
        // The RIS's order may have come first: its priority, location and reason win.
        if (record.accessionNumber) await applyOrderToStudies(tx, record.accessionNumber, "study arrived");
        await recordAudit(tx, {
          actorId: null,
          action: "study.arrived",
          studyId: study.id,
          details: { sourceId, instances: record.numberOfInstances },
        });
        await notifyWorklist(tx, { type: "arrived", studyId: study.id });
        await notifyNewRevision(tx, { studyId: study.id, revision: study.revision });
      });
      return "created";
    } catch (error) {
      // Another path stored it first: fall through to the update check.
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
      return upsertStudy(db, sourceId, record, adapter);
    }
  }

  const sameCounts =
    existing.numberOfSeries === record.numberOfSeries && existing.numberOfInstances === record.numberOfInstances;
  // A study whose series lookup failed when it arrived has no series rows, so no model could
  // be chosen for it: every later sighting asks again, and a success counts as a change.
  const seriesMissing = existing._count.series === 0;
  if (sameCounts && !seriesMissing) return "unchanged";

  const series = await fetchSeries(adapter, record.studyInstanceUid);
  if (sameCounts && !series) return "unchanged";
  // The counts moved only because ReadNext wrote its SR back into the study: remember the new
  // counts (so the next sweep sees nothing new), but no new revision and no rescoring.
  if (!sameCounts && series && !seriesMissing) {
    const stored = await db.series.findMany({
      where: { studyId: existing.id },
      select: { seriesInstanceUid: true, numberOfInstances: true },
    });
    if (sameSeries(stored, series)) {
      await db.study.update({
        where: { id: existing.id },
        data: { numberOfSeries: record.numberOfSeries, numberOfInstances: record.numberOfInstances },
      });
      return "unchanged";
    }
  }
  return db.$transaction(async (tx) => {
    // Only the caller that saw this revision bumps it; a concurrent one finds it done.
    const { count } = await tx.study.updateMany({
      where: { id: existing.id, revision: existing.revision },
      data: { ...studyData(record, series), revision: existing.revision + 1, changedAt: new Date() },
    });
    if (count === 0) return "unchanged";
    if (series) await writeSeries(tx, existing.id, series);
    await refreshPriorities(tx, [existing.id]);
    if (record.accessionNumber) await applyOrderToStudies(tx, record.accessionNumber, "study arrived");
    await notifyWorklist(tx, { type: "changed", studyId: existing.id });
    await notifyNewRevision(tx, { studyId: existing.id, revision: existing.revision + 1 });
    await recordAudit(tx, {
      actorId: null,
      action: "study.changed",
      studyId: existing.id,
      details: {
        series: [existing.numberOfSeries, record.numberOfSeries],
        instances: [existing.numberOfInstances, record.numberOfInstances],
        revision: existing.revision + 1,
      },
    });
    return "updated";
  });
}

import type { Db } from "../db/client";
import { DicomWebAdapter } from "../pacs/dicomweb-adapter";
import { sourceConfigFromRow } from "../pacs/source-config";
import { readPart10, writePart10 } from "@/lib/dicom/part10";
import { aiResultSrDataset } from "@/lib/sr/ai-result-sr";
import { deviceUid, srInstanceUid, srSeriesUid, srTrackingUid } from "@/lib/sr/sr-uids";

export type WriteBackOutcome = "sent" | "already-sent" | "off" | "not-a-finding";

const tagValue = (json: Record<string, { Value?: unknown[] }>, tag: string) => json[tag]?.Value?.[0];

/** The key image's SOP (by its InstanceNumber), or the series' first image when there is no key slice. */
async function findKeyImage(
  adapter: DicomWebAdapter,
  studyUid: string,
  seriesUid: string,
  instanceNumber: number | null,
): Promise<{ sopInstanceUid: string; sopClassUid: string; instanceNumber: number | null } | null> {
  const instances = (await adapter.searchInstances(studyUid, seriesUid)).map((i) => {
    const json = i as Record<string, { Value?: unknown[] }>;
    return {
      sopInstanceUid: String(tagValue(json, "00080018") ?? ""),
      sopClassUid: String(tagValue(json, "00080016") ?? ""),
      instanceNumber: tagValue(json, "00200013") === undefined ? null : Number(tagValue(json, "00200013")),
    };
  });
  const usable = instances.filter((i) => i.sopInstanceUid && i.sopClassUid);
  return (
    usable.find((i) => instanceNumber !== null && i.instanceNumber === instanceNumber) ??
    usable.sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0))[0] ??
    null
  );
}

function dicomDateTime(at: Date): { date: string; time: string } {
  const iso = at.toISOString();
  return { date: iso.slice(0, 10).replaceAll("-", ""), time: iso.slice(11, 19).replaceAll(":", "") };
}

/**
 * Sends one AI result to its study's PACS as a DICOM SR (STOW-RS), when the source's "write
 * results back" setting is on. Never twice: the SR's UID is recorded before the first try and a
 * sent result is skipped. Throws on a PACS failure, so the job queue retries with backoff.
 */
export async function writeResultBack(db: Db, aiResultId: string, now = new Date()): Promise<WriteBackOutcome> {
  const result = await db.aiResult.findUnique({
    where: { id: aiResultId },
    include: { study: { include: { source: true } }, writeBack: true },
  });
  // A shadow version's result never leaves ReadNext.
  if (
    !result ||
    result.status !== "SCORED" ||
    result.shadow ||
    result.probability === null ||
    !result.seriesInstanceUid
  )
    return "not-a-finding";
  if (result.writeBack?.sentAt) return "already-sent";
  const { study } = result;
  if (!study.source.writeResultsBack) return "off";

  const sopInstanceUid = srInstanceUid(result.id);
  await db.resultWriteBack.upsert({
    where: { aiResultId: result.id },
    create: { aiResultId: result.id, studyId: study.id, sopInstanceUid, attempts: 1, lastTriedAt: now },
    update: { attempts: { increment: 1 }, lastTriedAt: now },
  });
  try {
    const adapter = new DicomWebAdapter(sourceConfigFromRow(study.source));
    const key = await findKeyImage(
      adapter,
      study.studyInstanceUid,
      result.seriesInstanceUid,
      result.keySliceInstanceNumber,
    );
    if (!key) throw new Error(`the PACS no longer lists images of series ${result.seriesInstanceUid}`);
    const [bytes] = await adapter.retrieveInstances(study.studyInstanceUid, result.seriesInstanceUid, [
      key.sopInstanceUid,
    ]);
    if (!bytes) throw new Error(`the PACS did not return image ${key.sopInstanceUid}`);
    const image = readPart10(bytes);
    const existing = await db.resultWriteBack.count({ where: { studyId: study.id, sentAt: { not: null } } });
    const sr = aiResultSrDataset({
      image,
      result: {
        id: result.id,
        findingCode: result.finding ?? "finding",
        findingName: (result.finding ?? "finding").replaceAll("-", " "),
        probability: result.probability,
        critical: result.critical,
        modelId: result.modelId,
        modelVersion: result.modelVersion,
      },
      keyImage: {
        seriesInstanceUid: result.seriesInstanceUid,
        sopClassUid: key.sopClassUid,
        sopInstanceUid: key.sopInstanceUid,
      },
      uids: {
        series: srSeriesUid(study.studyInstanceUid),
        instance: sopInstanceUid,
        trackingUid: srTrackingUid(result.id),
        deviceUid: deviceUid(result.modelId, result.modelVersion),
      },
      instanceNumber: existing + 1,
      at: dicomDateTime(now),
    });
    await adapter.storeInstances([writePart10(sr)]);
  } catch (error) {
    await db.resultWriteBack.update({
      where: { aiResultId: result.id },
      data: { lastError: (error as Error).message.slice(0, 500) },
    });
    throw error;
  }
  await db.resultWriteBack.update({ where: { aiResultId: result.id }, data: { sentAt: new Date(), lastError: null } });
  return "sent";
}

/** Whether a stored result should be queued for write-back: a scored result from a source with the setting on. */
export async function wantsWriteBack(db: Db, aiResultId: string): Promise<boolean> {
  const [row] = await db.$queryRaw<{ on: boolean }[]>`
    SELECT p."writeResultsBack" AS on FROM "AiResult" r JOIN "Study" s ON s.id = r."studyId"
    JOIN "PacsSource" p ON p.id = s."sourceId" WHERE r.id = ${aiResultId} AND r.status = 'SCORED' AND NOT r.shadow`;
  return row?.on ?? false;
}

/** Per source: SRs sent, waiting (retrying) and the latest error, for the admin page. */
export async function writeBackStatus(
  db: Db,
): Promise<Map<string, { sent: number; waiting: number; lastError: string | null }>> {
  const rows = await db.$queryRaw<{ sourceId: string; sent: number; waiting: number; lastError: string | null }[]>`
    SELECT s."sourceId",
           count(*) FILTER (WHERE w."sentAt" IS NOT NULL)::int AS sent,
           count(*) FILTER (WHERE w."sentAt" IS NULL)::int AS waiting,
           (array_agg(w."lastError" ORDER BY w."lastTriedAt" DESC) FILTER (WHERE w."sentAt" IS NULL AND w."lastError" IS NOT NULL))[1] AS "lastError"
    FROM "ResultWriteBack" w JOIN "Study" s ON s.id = w."studyId"
    GROUP BY s."sourceId"`;
  return new Map(rows.map((r) => [r.sourceId, { sent: r.sent, waiting: r.waiting, lastError: r.lastError }]));
}

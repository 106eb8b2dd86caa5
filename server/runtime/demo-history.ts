import { randomBytes } from "node:crypto";
import type { Db, Prisma } from "../db/client";
import {
  DEMO_HISTORY_DAYS,
  demoDutyShifts,
  demoHistoryScenario,
  planDemoHistory,
  type HistoryStudy,
} from "@/lib/synthetic/demo-history";
import { getPriorityConfig } from "../core/settings";
import { insertRowsAsJson } from "../db/bulk-insert";
import { createUser } from "../users/users";
import { DEMO_USERS } from "../users/demo-users";

/** Set once the history is in: its presence marks the install as a demo (the app shows "Demo data"). */
export const DEMO_HISTORY_KEY = "demo.history";
export type DemoHistoryMark = { loadedAt: string; studies: number; from: string; to: string };

/**
 * The readers of the history: the demo radiologist, and two colleagues who exist only for it
 * (random passwords nobody knows: they cannot sign in).
 */
const HISTORY_READERS = [
  { email: DEMO_USERS.find((u) => u.roles.includes("radiologist"))!.email },
  { email: "nora.neuro@readnext.local", name: "Dr. Nora Neuro" },
  { email: "ben.body@readnext.local", name: "Dr. Ben Body" },
];

async function readerIds(db: Db): Promise<string[]> {
  const ids: string[] = [];
  for (const r of HISTORY_READERS) {
    const found = await db.user.findUnique({ where: { email: r.email }, select: { id: true } });
    if (found) ids.push(found.id);
    else if (r.name)
      ids.push(
        (
          await createUser(db, null, {
            name: r.name,
            email: r.email,
            password: randomBytes(24).toString("base64url"),
            roles: ["radiologist"],
          })
        ).id,
      );
    else throw new Error(`Demo history: ${r.email} does not exist (seed the demo users first).`);
  }
  return ids;
}

const studyId = (s: HistoryStudy) => `demo-history-${s.index}`;

/**
 * Loads four weeks of a department's reading (lib/synthetic/demo-history.ts) into the demo's
 * database, under the demo PACS source, in one transaction; does nothing when it is already
 * there, so restarts never duplicate it. The studies are read ones: they fill the chair's and
 * scheduler's figures and the what-if prefill, never a reader's list.
 */
export async function loadDemoHistory(
  db: Db,
  sourceId: string,
  options: { now?: Date; seed?: number } = {},
): Promise<number> {
  if (await db.appSetting.findUnique({ where: { key: DEMO_HISTORY_KEY } })) return 0;
  const now = options.now ?? new Date();
  const seed = options.seed ?? 20261202;
  const history = planDemoHistory(seed, now, { config: await getPriorityConfig(db) });
  const readers = await readerIds(db);
  const scheduler = await db.user.findFirst({ where: { roles: { has: "scheduler" } }, select: { id: true } });

  // Every row names every column it sets (null where unset): insertRowsAsJson needs the same keys in each.
  const studies = history.map((s) => ({
    id: studyId(s),
    sourceId,
    studyInstanceUid: `2.25.${20261202}${String(s.index).padStart(7, "0")}`,
    accessionNumber: `H${String(s.index).padStart(7, "0")}`,
    patientId: `DEMO-${String(s.index).padStart(7, "0")}`,
    patientName: "DEMO^HISTORY",
    studyDateTime: new Date(s.arrivedAt.getTime() - 5 * 60_000),
    description: s.description,
    modalities: [s.modality],
    bodyPart: s.bodyPart,
    orderPriority: s.orderPriority,
    patientLocation: s.patientLocation,
    patientLocationRaw: s.patientLocationRaw,
    readingState: "READ",
    claimedById: readers[s.reader],
    claimedAt: s.claimedAt,
    readById: readers[s.reader],
    readAt: s.readAt,
    firstSeenAt: s.arrivedAt,
    scoredAt: s.ai ? s.arrivedAt : null,
    scoringRevision: 1,
    aiStatus: s.ai ? (s.ai.flagged ? "critical" : "negative") : "not_applicable",
    aiFinding: s.ai?.findingCode ?? null,
    aiProbability: s.ai?.probability ?? null,
    aiModelId: s.ai?.modelId ?? null,
    aiModelVersion: s.ai?.modelVersion ?? null,
    aiReason: s.ai ? null : "no applicable model",
    dueAtWhenRead: s.dueAt,
    numberOfSeries: 1,
    revision: 1,
    updatedAt: now,
    overrideKind: s.pin && scheduler ? "pin" : null,
    overrideReason: s.pin && scheduler ? s.pin.reason : null,
    overrideById: s.pin && scheduler ? scheduler.id : null,
    overrideAt: s.pin && scheduler ? s.pin.at : null,
  }));
  const results = history.flatMap((s) =>
    s.ai
      ? [
          {
            id: `${studyId(s)}-ai`,
            studyId: studyId(s),
            modelId: s.ai.modelId,
            modelVersion: s.ai.modelVersion,
            studyRevision: 1,
            status: "SCORED",
            probability: s.ai.probability,
            finding: s.ai.findingCode,
            critical: s.ai.flagged,
            urgent: false,
            createdAt: s.arrivedAt,
          },
        ]
      : [],
  );
  const feedback = history.flatMap((s) =>
    s.ai && s.feedback
      ? [
          {
            id: `${studyId(s)}-feedback`,
            aiResultId: `${studyId(s)}-ai`,
            userId: readers[s.reader]!,
            verdict: s.feedback,
            at: s.readAt,
          },
        ]
      : [],
  );
  // Each read began with a Next case press, audited as a live claim is: the chair's reads-by-reader
  // table counts claims from these. (The demo readers take Next case, so none is out of order.)
  const claims = history.map((s) => ({
    id: `${studyId(s)}-claim`,
    at: s.claimedAt,
    actorId: readers[s.reader]!,
    action: "study.claim",
    studyId: studyId(s),
    details: { via: "next-case" },
  }));
  // The colleagues' day shifts, as if each put themselves on and off duty: the chair's reads per
  // shift. (The demo radiologist reads at every hour of the history, so never changes duty.)
  const duty = demoDutyShifts(demoHistoryScenario(seed, now, DEMO_HISTORY_DAYS).start, now).flatMap((s, i) =>
    (s.off ? [s.on, s.off] : [s.on]).map((at, k) => ({
      id: `demo-history-duty-${i}-${k}`,
      at,
      actorId: readers[s.reader]!,
      action: k === 0 ? "reader.on-duty" : "reader.off-duty",
      details: { userId: readers[s.reader]! },
    })),
  );
  const mark: DemoHistoryMark = {
    loadedAt: now.toISOString(),
    studies: studies.length,
    from: history[0]?.arrivedAt.toISOString() ?? now.toISOString(),
    to: now.toISOString(),
  };
  await db.$transaction(
    async (tx) => {
      await insertRowsAsJson(tx, "Study", studies);
      await insertRowsAsJson(tx, "AiResult", results);
      await insertRowsAsJson(tx, "AiFeedback", feedback);
      await insertRowsAsJson(tx, "AuditEvent", [...claims, ...duty]);
      await tx.appSetting.create({
        data: { key: DEMO_HISTORY_KEY, value: mark as unknown as Prisma.InputJsonObject },
      });
    },
    { timeout: 120_000 },
  );
  return studies.length;
}

/** The mark left by loadDemoHistory, or null when this install holds no demo history. */
export async function demoHistoryMark(db: Db): Promise<DemoHistoryMark | null> {
  const row = await db.appSetting.findUnique({ where: { key: DEMO_HISTORY_KEY } });
  return row ? (row.value as unknown as DemoHistoryMark) : null;
}

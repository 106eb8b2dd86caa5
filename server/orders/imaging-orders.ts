import type { Prisma } from "../db/generated/client";
import type { OrderFields, PatientMove } from "@/lib/hl7/read-message";
import { recordAudit } from "../core/audit";
import { notifyWorklist } from "../core/worklist-events";
import { refreshPriorities } from "../worklist/refresh-priority";
import { markAccessionRead } from "../worklist/claims";

type Tx = Prisma.TransactionClient;

/** Where the message came from, for the audit trail. */
export type OrderSource = { messageType: string; controlId: string };

/** The fields that have a value (an order's empty field leaves the study's own). */
const present = <T extends Record<string, unknown>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]?: NonNullable<T[K]>;
  };

/**
 * Stores an order from the RIS (created, or updated with what this message says: a field the
 * message leaves empty keeps its earlier value), then brings its studies in line.
 */
export async function upsertOrder(tx: Tx, order: OrderFields, from: OrderSource, now = new Date()) {
  const { accessionNumber, status, statusReason, ...rest } = order;
  const data = { ...present(rest), status, statusReason, lastControlId: from.controlId };
  await tx.imagingOrder.upsert({
    where: { accessionNumber },
    create: { accessionNumber, ...data },
    update: data,
  });
  return applyOrderToStudies(tx, accessionNumber, from, now);
}

/**
 * Makes the accession's studies say what its order says: priority, location, procedure, reason
 * for exam and ordering provider win over the DICOM tags; a cancelled order takes the study off
 * every worklist with the reason (a later order that is not cancelled brings it back); a
 * completed order marks it read. Called when an order arrives and when a study arrives or
 * changes (server/ingest/upsert-study.ts), so whichever comes second, the result is the same.
 * Returns the study IDs it changed.
 */
export async function applyOrderToStudies(
  tx: Tx,
  accessionNumber: string,
  from: OrderSource | "study arrived",
  now = new Date(),
): Promise<string[]> {
  const order = await tx.imagingOrder.findUnique({ where: { accessionNumber } });
  if (!order) return [];
  const studies = await tx.study.findMany({
    where: { accessionNumber, readingState: { not: "READ" } },
    select: { id: true, readingState: true },
  });
  if (studies.length === 0) return [];
  const via = from === "study arrived" ? { via: "order on file" } : { via: "hl7", ...from };
  const ids = studies.map((s) => s.id);

  const fromOrder = present({
    orderPriority: order.orderPriority,
    orderPriorityRaw: order.orderPriority || order.orderPriorityRaw ? order.orderPriorityRaw : null,
    patientLocation: order.patientLocation,
    patientLocationRaw: order.patientLocation ? order.patientLocationRaw : null,
    description: order.procedureDescription,
    procedureCode: order.procedureCode,
    reasonForExam: order.reasonForExam,
    orderingProvider: order.orderingProvider,
  });
  await tx.study.updateMany({ where: { id: { in: ids } }, data: fromOrder });

  if (order.status === "COMPLETED") {
    await markAccessionRead(tx, accessionNumber, "hl7", now, { reason: order.statusReason ?? "order completed" });
    return ids;
  }
  if (order.status === "CANCELLED") {
    const open = studies.filter((s) => s.readingState !== "CANCELLED").map((s) => s.id);
    await tx.study.updateMany({
      where: { id: { in: open } },
      data: {
        readingState: "CANCELLED",
        cancelledAt: now,
        cancelReason: order.statusReason,
        dueAt: null,
        pinnedAt: null,
        capAt: null,
        assignedToId: null,
        assignedAt: null,
        claimHeartbeatAt: null,
      },
    });
    for (const id of open) {
      await recordAudit(tx, {
        actorId: null,
        action: "study.cancelled",
        studyId: id,
        details: { ...via, reason: order.statusReason },
      });
      await notifyWorklist(tx, { type: "changed", studyId: id });
    }
    return ids;
  }
  const reopened = studies.filter((s) => s.readingState === "CANCELLED").map((s) => s.id);
  if (reopened.length)
    await tx.study.updateMany({
      where: { id: { in: reopened } },
      data: { readingState: "UNREAD", cancelledAt: null, cancelReason: null, claimedById: null, claimedAt: null },
    });
  await refreshPriorities(tx, ids);
  for (const id of ids) {
    await recordAudit(tx, {
      actorId: null,
      action: reopened.includes(id) ? "study.reopened" : "study.order",
      studyId: id,
      details: { ...via, accessionNumber, status: order.status },
    });
    await notifyWorklist(tx, { type: "changed", studyId: id });
  }
  return ids;
}

/** ADT: the patient moved (or their class changed): their open orders and open studies follow. */
export async function movePatient(tx: Tx, move: PatientMove, from: OrderSource): Promise<string[]> {
  const where = { patientLocation: move.patientLocation, patientLocationRaw: move.patientLocationRaw };
  await tx.imagingOrder.updateMany({
    where: { patientId: move.patientId, status: { in: ["SCHEDULED", "IN_PROGRESS"] } },
    data: { ...where, patientClass: move.patientClass, lastControlId: from.controlId },
  });
  const studies = await tx.study.findMany({
    where: { patientId: move.patientId, readingState: { in: ["UNREAD", "CLAIMED"] } },
    select: { id: true, patientLocation: true, patientLocationRaw: true },
  });
  const moved = studies.filter(
    (s) => s.patientLocation !== move.patientLocation || s.patientLocationRaw !== move.patientLocationRaw,
  );
  if (moved.length === 0) return [];
  const ids = moved.map((s) => s.id);
  await tx.study.updateMany({ where: { id: { in: ids } }, data: where });
  await refreshPriorities(tx, ids);
  for (const s of moved) {
    await recordAudit(tx, {
      actorId: null,
      action: "study.location",
      studyId: s.id,
      details: { via: "hl7", ...from, from: s.patientLocation, to: move.patientLocation, raw: move.patientLocationRaw },
    });
    await notifyWorklist(tx, { type: "changed", studyId: s.id });
  }
  return ids;
}

/** ORU^R01 with a final result: the report is written, so the study is read (as the RIS endpoint does). */
export async function finalReport(tx: Tx, accessionNumber: string, from: OrderSource, now = new Date()) {
  // Kept on the order too, so a study that reaches the PACS after its report is not listed as unread.
  await tx.imagingOrder.upsert({
    where: { accessionNumber },
    create: { accessionNumber, status: "COMPLETED", statusReason: "final report", lastControlId: from.controlId },
    update: { status: "COMPLETED", statusReason: "final report", lastControlId: from.controlId },
  });
  return markAccessionRead(tx, accessionNumber, "hl7", now, { reason: "final report", controlId: from.controlId });
}

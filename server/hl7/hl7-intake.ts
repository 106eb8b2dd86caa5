import { createHash } from "node:crypto";
import { Hl7Message, Hl7Segment } from "@medplum/core";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { Hl7Refusal, parseHl7, readHl7Message, type Hl7Header } from "@/lib/hl7/read-message";
import { finalReport, movePatient, upsertOrder } from "../orders/imaging-orders";
import { log } from "../log";

/** What was done with one message: the ACK to send back, and the outcome for the log. */
export type IntakeResult = { ack: string; ackCode: "AA" | "AE" | "AR"; detail: string };

const KEEP_TEXT = 64 * 1024;
/** Refused messages kept for the admin page. */
export const KEEP_REFUSED = 100;

/** HL7's own escapes, so an error text cannot break the ACK it travels in. */
const escapeHl7 = (text: string) =>
  text
    .replace(/\\/g, "\\E\\")
    .replace(/\|/g, "\\F\\")
    .replace(/\^/g, "\\S\\")
    .replace(/&/g, "\\T\\")
    .replace(/~/g, "\\R\\");

/**
 * The ACK (MSA-1 AA / AE / AR) for a message, with what was done or what was wrong in MSA-3 and,
 * for a refusal, an ERR segment (ERR-3 HL7 error code, ERR-4 severity, ERR-8 the text).
 */
export function buildAck(original: Hl7Message | null, ackCode: "AA" | "AE" | "AR", detail: string): string {
  const source = original ?? Hl7Message.parse(`MSH|^~\\&|UNKNOWN|UNKNOWN|READNEXT|READNEXT|||ACK|UNKNOWN|P|2.5.1`);
  const err =
    ackCode === "AA"
      ? undefined
      : new Hl7Segment(
          [
            "ERR",
            "",
            "",
            ackCode === "AR" ? "200^Unsupported message type^HL70357" : "207^Application internal error^HL70357",
            "E",
            "",
            "",
            "",
            escapeHl7(detail),
          ],
          source.context,
        );
  const ack = source.buildAck({ ackCode, errSegment: err });
  const msa = ack.getSegment("MSA");
  msa?.setField(3, escapeHl7(detail.slice(0, 80)));
  const msh = ack.getSegment("MSH");
  msh?.setField(3, "READNEXT");
  return ack.toString();
}

function safeParse(text: string): Hl7Message | null {
  try {
    return parseHl7(text);
  } catch {
    return null;
  }
}

const contentHash = (text: string) =>
  createHash("sha256")
    .update(text.replace(/\r\n|\n/g, "\r").trim())
    .digest("hex");

async function keepRefused(
  db: Db,
  text: string,
  remoteAddress: string | null,
  header: Hl7Header | null,
  ackCode: string | null,
  detail: string,
) {
  try {
    await db.hl7Message.create({
      data: {
        remoteAddress,
        messageType: header?.messageType || null,
        controlId: header?.controlId || null,
        sendingApplication: header?.sendingApplication ?? null,
        sendingFacility: header?.sendingFacility ?? null,
        outcome: "REJECTED",
        ackCode,
        detail,
        text: text.slice(0, KEEP_TEXT),
      },
    });
  } catch (error) {
    // The database is away: the sender got its NAK and will resend; the log has it.
    log.error({ err: (error as Error).message, detail }, "HL7: could not keep a refused message");
  }
}

/**
 * Reads one HL7 message and applies it in one transaction with its log row, so a message is
 * either wholly applied and remembered (a repeat then changes nothing) or not at all.
 */
export async function takeHl7Message(
  db: Db,
  text: string,
  remoteAddress: string | null = null,
  retried = false,
): Promise<IntakeResult> {
  const parsed = safeParse(text);
  let header: Hl7Header | null = null;
  try {
    const { header: h, action } = readHl7Message(text);
    header = h;
    const hash = contentHash(text);
    const seen = await db.hl7Message.findUnique({ where: { contentHash: hash }, select: { receivedAt: true } });
    if (seen) {
      const detail = `Already received at ${seen.receivedAt.toISOString()}; nothing changed.`;
      return { ack: buildAck(parsed, "AA", detail), ackCode: "AA", detail };
    }
    const from = { messageType: h.messageType, controlId: h.controlId };
    const detail = await db.$transaction(async (tx) => {
      let done: string;
      let accession: string | null = null;
      switch (action.kind) {
        case "orders": {
          const changed: string[] = [];
          for (const order of action.orders) changed.push(...(await upsertOrder(tx, order, from)));
          accession = action.orders[0]!.accessionNumber;
          done = `Order ${action.orders.map((o) => `${o.accessionNumber} ${o.status.toLowerCase()}`).join(", ")}; ${changed.length} stud${changed.length === 1 ? "y" : "ies"} updated.`;
          break;
        }
        case "patient-move": {
          const moved = await movePatient(tx, action.move, from);
          done = `Patient ${action.move.patientId} now ${action.move.patientLocation}; ${moved.length} open stud${moved.length === 1 ? "y" : "ies"} updated.`;
          break;
        }
        case "final-report": {
          let read = 0;
          for (const a of action.accessionNumbers) read += await finalReport(tx, a, from);
          accession = action.accessionNumbers[0]!;
          done = `Final report for ${action.accessionNumbers.join(", ")}; ${read} stud${read === 1 ? "y" : "ies"} marked read.`;
          break;
        }
        case "ignored":
          done = `Nothing for ReadNext: ${action.why}.`;
      }
      await tx.hl7Message.create({
        data: {
          remoteAddress,
          messageType: h.messageType,
          controlId: h.controlId,
          sendingApplication: h.sendingApplication,
          sendingFacility: h.sendingFacility,
          accessionNumber: accession,
          outcome: action.kind === "ignored" ? "IGNORED" : "ACCEPTED",
          ackCode: "AA",
          detail: done,
          contentHash: hash,
          text: text.slice(0, KEEP_TEXT),
        },
      });
      return done;
    });
    return { ack: buildAck(parsed, "AA", detail), ackCode: "AA", detail };
  } catch (error) {
    if (error instanceof Hl7Refusal) {
      header = error.header ?? header;
      await keepRefused(db, text, remoteAddress, header, error.ackCode, error.message);
      log.warn({ detail: error.message, controlId: header?.controlId, remoteAddress }, "HL7 message refused");
      return { ack: buildAck(parsed, error.ackCode, error.message), ackCode: error.ackCode, detail: error.message };
    }
    // The same message arriving twice at once: the other copy was stored first.
    if (!retried && error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      return takeHl7Message(db, text, remoteAddress, true);
    const detail = `ReadNext could not store the message (${(error as Error).message.split("\n")[0]}); nothing was changed. Send it again.`;
    log.error({ err: (error as Error).message, controlId: header?.controlId }, "HL7 message failed");
    await keepRefused(db, text, remoteAddress, header, "AE", detail);
    return { ack: buildAck(parsed, "AE", detail), ackCode: "AE", detail };
  }
}

/** A connection closed for bad framing or size: kept beside the refused messages, with what could be read of it. */
export async function keepBrokenFrame(db: Db, head: Buffer, reason: string, remoteAddress: string | null) {
  const text = head.toString("latin1");
  const parsed = safeParse(text.split(/\r|\n/)[0] ?? "");
  const msh = parsed?.getSegment("MSH");
  const header = msh
    ? {
        messageType: [msh.getComponent(9, 1), msh.getComponent(9, 2)].filter(Boolean).join("^"),
        controlId: msh.getComponent(10, 1),
        sendingApplication: msh.getComponent(3, 1) || null,
        sendingFacility: msh.getComponent(4, 1) || null,
      }
    : null;
  await keepRefused(db, text, remoteAddress, header, null, `Connection closed: ${reason}.`);
}

/** Keeps the newest refused messages (the admin page shows them) and a month of accepted ones (repeats are found among them). */
export async function pruneHl7Messages(db: Db, now = new Date()) {
  await db.$executeRaw`
    DELETE FROM "Hl7Message" WHERE outcome = 'REJECTED' AND id NOT IN (
      SELECT id FROM "Hl7Message" WHERE outcome = 'REJECTED' ORDER BY "receivedAt" DESC LIMIT ${KEEP_REFUSED})`;
  await db.hl7Message.deleteMany({
    where: { outcome: { not: "REJECTED" }, receivedAt: { lt: new Date(now.getTime() - 31 * 86_400_000) } },
  });
}

/** The last refused messages with their errors, newest first (admin page). */
export function listRefusedHl7Messages(db: Db) {
  return db.hl7Message.findMany({
    where: { outcome: "REJECTED" },
    orderBy: { receivedAt: "desc" },
    take: KEEP_REFUSED,
    select: {
      id: true,
      receivedAt: true,
      remoteAddress: true,
      messageType: true,
      controlId: true,
      sendingApplication: true,
      ackCode: true,
      detail: true,
      text: true,
    },
  });
}

/** Counts for the admin page: what came in over the last day. */
export async function hl7Summary(db: Db, now = new Date()) {
  const since = new Date(now.getTime() - 86_400_000);
  const rows = await db.hl7Message.groupBy({ by: ["outcome"], where: { receivedAt: { gte: since } }, _count: true });
  const last = await db.hl7Message.findFirst({ orderBy: { receivedAt: "desc" }, select: { receivedAt: true } });
  const count = (o: string) => rows.find((r) => r.outcome === o)?._count ?? 0;
  return {
    lastDay: { accepted: count("ACCEPTED"), ignored: count("IGNORED"), refused: count("REJECTED") },
    lastReceivedAt: last?.receivedAt ?? null,
  };
}

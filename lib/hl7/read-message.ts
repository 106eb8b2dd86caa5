import { Hl7Message, type Hl7Segment } from "@medplum/core";
import { classifyLocation, parseOrderPriority } from "../ingest/study-record";
import type { OrderPriority, PatientLocation } from "../priority/classes";

/**
 * What ReadNext takes from an HL7 v2 message (parsed by @medplum/core): orders from ORM^O01 and
 * OMI^O23, patient moves from ADT, final reports from ORU^R01. Pure: the server applies the result
 * (server/hl7/hl7-intake.ts). A message ReadNext cannot use throws Hl7Refusal, whose words go back
 * to the sender in the NAK.
 */

export type Hl7Header = {
  messageType: string;
  controlId: string;
  sendingApplication: string | null;
  sendingFacility: string | null;
};

export type OrderStatus = "SCHEDULED" | "IN_PROGRESS" | "COMPLETED" | "CANCELLED";

export type OrderFields = {
  accessionNumber: string;
  placerOrderNumber: string | null;
  fillerOrderNumber: string | null;
  patientId: string | null;
  patientName: string | null;
  orderPriority: OrderPriority | null;
  orderPriorityRaw: string | null;
  patientClass: string | null;
  patientLocation: PatientLocation | null;
  patientLocationRaw: string | null;
  orderingProvider: string | null;
  reasonForExam: string | null;
  procedureCode: string | null;
  procedureDescription: string | null;
  status: OrderStatus;
  statusReason: string | null;
};

export type PatientMove = {
  patientId: string;
  patientClass: string | null;
  patientLocation: PatientLocation;
  patientLocationRaw: string | null;
};

export type Hl7Action =
  | { kind: "orders"; orders: OrderFields[] }
  | { kind: "patient-move"; move: PatientMove }
  | { kind: "final-report"; accessionNumbers: string[] }
  | { kind: "ignored"; why: string };

export type ReadMessage = { header: Hl7Header; action: Hl7Action };

/** AE: the message is understood but wrong; AR: it is not a message ReadNext takes at all. */
export class Hl7Refusal extends Error {
  constructor(
    readonly ackCode: "AE" | "AR",
    message: string,
    /** The header, when the message got that far (the NAK answers its control ID). */
    readonly header: Hl7Header | null = null,
  ) {
    super(message);
    this.name = "Hl7Refusal";
  }
}

export const SUPPORTED_MESSAGES = "ORM^O01, OMI^O23, ADT^A01/A02/A03/A04/A06/A07/A08 and ORU^R01";
const ADT_MOVES = new Set(["A01", "A02", "A04", "A06", "A07", "A08"]);
const MAX_ID = 64;
const MAX_TEXT = 1000;

/** HL7 table 0004, patient class. */
const PATIENT_CLASSES: Record<string, PatientLocation> = {
  E: "ED",
  I: "INPATIENT",
  B: "INPATIENT",
  O: "OUTPATIENT",
  P: "OUTPATIENT",
  R: "OUTPATIENT",
  C: "OUTPATIENT",
  N: "UNKNOWN",
  U: "UNKNOWN",
};

/** HL7 table 0027, priority (ORC-7.6, OBR-27.6, TQ1-9, OBR-5), first letter. */
const HL7_PRIORITIES: Record<string, OrderPriority> = {
  S: "STAT",
  A: "HIGH",
  T: "HIGH",
  P: "MEDIUM",
  C: "MEDIUM",
  R: "ROUTINE",
};

/** Accepts \r, \n or \r\n between segments (files and some engines send line feeds). */
export function parseHl7(text: string): Hl7Message {
  const normalised = text.replace(/\r\n|\n/g, "\r").replace(/\r+$/, "");
  if (!normalised.startsWith("MSH"))
    throw new Hl7Refusal("AR", "Not an HL7 v2 message: it must start with an MSH segment.");
  let message: Hl7Message;
  try {
    message = Hl7Message.parse(normalised);
  } catch (error) {
    throw new Hl7Refusal("AR", `Not a readable HL7 v2 message: ${(error as Error).message}.`);
  }
  return message;
}

function value(segment: Hl7Segment | undefined, field: number, component = 1, repetition = 0): string | null {
  const v = segment?.getComponent(field, component, undefined, repetition)?.trim();
  return v ? unescapeHl7(v) : null;
}

/** HL7's escape sequences for its own delimiters (\F\ \S\ \T\ \R\ \E\); others are dropped. */
export function unescapeHl7(text: string): string {
  const map: Record<string, string> = { F: "|", S: "^", T: "&", R: "~", E: "\\" };
  return text.replace(/\\([^\\]*)\\/g, (_, code: string) => map[code] ?? "");
}

function header(message: Hl7Message): Hl7Header {
  const msh = message.getSegment("MSH");
  const type = [value(msh, 9, 1), value(msh, 9, 2)].filter(Boolean).join("^");
  const controlId = value(msh, 10);
  const partial = {
    messageType: type,
    controlId: controlId ?? "",
    sendingApplication: value(msh, 3),
    sendingFacility: value(msh, 4),
  };
  if (!type) throw new Hl7Refusal("AR", "MSH-9 (message type) is empty.", partial);
  if (!controlId) throw new Hl7Refusal("AR", "MSH-10 (message control ID) is empty.", partial);
  if (controlId.length > 199) throw new Hl7Refusal("AR", "MSH-10 (message control ID) is longer than 199.", partial);
  return partial;
}

function identifier(raw: string | null, where: string, h: Hl7Header): string | null {
  if (raw === null) return null;
  if (raw.length > MAX_ID) throw new Hl7Refusal("AE", `${where} is longer than ${MAX_ID} characters.`, h);
  if (/[\u0000-\u001f]/.test(raw)) throw new Hl7Refusal("AE", `${where} holds control characters.`, h);
  return raw;
}

const text = (v: string | null) => (v === null ? null : v.slice(0, MAX_TEXT));

/** XCN (id^family^given^middle^suffix^prefix) as a name, else the ID. */
function personName(segment: Hl7Segment | undefined, field: number): string | null {
  const [id, family, given, middle, suffix, prefix] = [1, 2, 3, 4, 5, 6].map((c) => value(segment, field, c));
  const name = [prefix, given, middle, family, suffix].filter(Boolean).join(" ");
  return text(name || id || null);
}

function patientClass(pv1: Hl7Segment | undefined, h: Hl7Header) {
  const raw = value(pv1, 2)?.toUpperCase() ?? null;
  const pointOfCare = [1, 2, 3, 4].map((c) => value(pv1, 3, c)).filter(Boolean);
  const locationRaw = text(pointOfCare.length ? pointOfCare.join(" ") : null);
  if (raw !== null && !(raw in PATIENT_CLASSES))
    throw new Hl7Refusal(
      "AE",
      `PV1-2 (patient class) is "${raw}", not a class of HL7 table 0004 (${Object.keys(PATIENT_CLASSES).join(", ")}).`,
      h,
    );
  const fromClass = raw ? PATIENT_CLASSES[raw]! : "UNKNOWN";
  // The class says ED / inpatient / outpatient; without one, the ward's name may (e.g. "ER1").
  const location = fromClass !== "UNKNOWN" ? fromClass : classifyLocation(locationRaw);
  return {
    patientClass: raw,
    patientLocation: raw === null && location === "UNKNOWN" ? null : location,
    patientLocationRaw: raw ? [raw, locationRaw].filter(Boolean).join(" · ") : locationRaw,
  };
}

function priority(raws: (string | null)[]): { orderPriority: OrderPriority | null; orderPriorityRaw: string | null } {
  const raw = raws.find((r) => r !== null) ?? null;
  if (raw === null) return { orderPriority: null, orderPriorityRaw: null };
  const upper = raw.toUpperCase();
  const named = parseOrderPriority(upper) ?? (upper === "ASAP" ? "HIGH" : null);
  return { orderPriority: named ?? HL7_PRIORITIES[upper] ?? null, orderPriorityRaw: text(raw) };
}

/** ORC-1 order control and ORC-5 order status (tables 0119 and 0038) as ReadNext's order status. */
function orderStatus(orc: Hl7Segment, h: Hl7Header): OrderStatus {
  const control = value(orc, 1)?.toUpperCase() ?? null;
  const status = value(orc, 5)?.toUpperCase() ?? null;
  if (control === null) throw new Hl7Refusal("AE", "ORC-1 (order control) is empty.", h);
  if (["CA", "OC", "DC", "OD", "CR", "DR"].includes(control)) return "CANCELLED";
  if (!["NW", "XO", "XX", "SC", "SN", "NA", "OK", "RE", "SS", "OR"].includes(control))
    throw new Hl7Refusal(
      "AE",
      `ORC-1 (order control) "${control}" is not one ReadNext handles (NW, XO, SC, CA, DC).`,
      h,
    );
  if (status === "CM") return "COMPLETED";
  if (status === "CA" || status === "DC") return "CANCELLED";
  if (status === "IP" || status === "A") return "IN_PROGRESS";
  return "SCHEDULED";
}

/** Where radiology sends the accession number: IPC-1 (OMI), OBR-18, else the filler order number. */
function accession(group: Hl7Segment[], h: Hl7Header): string {
  const find = (name: string) => group.find((s) => s.name === name);
  const orc = find("ORC"),
    obr = find("OBR"),
    ipc = find("IPC");
  const where: [Hl7Segment | undefined, number, string][] = [
    [ipc, 1, "IPC-1"],
    [obr, 18, "OBR-18"],
    [orc, 3, "ORC-3"],
    [obr, 3, "OBR-3"],
  ];
  for (const [segment, field, name] of where) {
    const v = identifier(value(segment, field), `${name} (accession number)`, h);
    if (v) return v;
  }
  throw new Hl7Refusal("AE", "No accession number: ReadNext looks in IPC-1, OBR-18, ORC-3 and OBR-3.", h);
}

/** The segments from each ORC up to the next (an order message may carry several orders). */
function orderGroups(message: Hl7Message): Hl7Segment[][] {
  const groups: Hl7Segment[][] = [];
  for (const segment of message.segments) {
    if (segment.name === "ORC") groups.push([segment]);
    else if (groups.length) groups[groups.length - 1]!.push(segment);
  }
  return groups;
}

function readOrders(message: Hl7Message, h: Hl7Header): OrderFields[] {
  const pid = message.getSegment("PID");
  const pv1 = message.getSegment("PV1");
  const groups = orderGroups(message);
  if (groups.length === 0) throw new Hl7Refusal("AE", `${h.messageType} without an ORC segment.`, h);
  const where = patientClass(pv1, h);
  return groups.map((group) => {
    const find = (name: string) => group.find((s) => s.name === name);
    const orc = group[0]!;
    const obr = find("OBR");
    if (!obr) throw new Hl7Refusal("AE", `${h.messageType}: an ORC segment without its OBR segment.`, h);
    const status = orderStatus(orc, h);
    const reasonCode = value(obr, 31, 2) ?? value(obr, 31, 1);
    return {
      accessionNumber: accession(group, h),
      placerOrderNumber: identifier(value(orc, 2) ?? value(obr, 2), "ORC-2 (placer order number)", h),
      fillerOrderNumber: identifier(value(orc, 3) ?? value(obr, 3), "ORC-3 (filler order number)", h),
      patientId: identifier(value(pid, 3), "PID-3 (patient ID)", h),
      patientName: text([value(pid, 5, 1), value(pid, 5, 2)].filter(Boolean).join("^") || null),
      ...priority([value(find("TQ1"), 9), value(orc, 7, 6), value(obr, 27, 6), value(obr, 5)]),
      ...where,
      orderingProvider: personName(orc, 12) ?? personName(obr, 16),
      reasonForExam: text(reasonCode ?? value(obr, 13) ?? value(message.getSegment("DG1"), 3, 2)),
      procedureCode: identifier(value(obr, 4, 1), "OBR-4.1 (procedure code)", h),
      procedureDescription: text(value(obr, 4, 2)),
      status,
      statusReason:
        status === "CANCELLED"
          ? text(value(orc, 16, 2) ?? value(orc, 16, 1) ?? `cancelled in ${h.sendingApplication ?? "the RIS"}`)
          : status === "COMPLETED"
            ? `order completed in ${h.sendingApplication ?? "the RIS"}`
            : null,
    };
  });
}

function readPatientMove(message: Hl7Message, h: Hl7Header): PatientMove {
  const patientId = identifier(value(message.getSegment("PID"), 3), "PID-3 (patient ID)", h);
  if (!patientId) throw new Hl7Refusal("AE", `${h.messageType} without a patient ID (PID-3).`, h);
  const pv1 = message.getSegment("PV1");
  if (!pv1) throw new Hl7Refusal("AE", `${h.messageType} without a PV1 segment: no location to update.`, h);
  const where = patientClass(pv1, h);
  return {
    patientId,
    patientClass: where.patientClass,
    patientLocation: where.patientLocation ?? "UNKNOWN",
    patientLocationRaw: where.patientLocationRaw,
  };
}

function readFinalReport(message: Hl7Message, h: Hl7Header): Hl7Action {
  // Each OBR with the ORC just before it, if any (ORU^R01 may carry several results).
  const groups: Hl7Segment[][] = [];
  let orc: Hl7Segment | undefined;
  for (const s of message.segments) {
    if (s.name === "ORC") orc = s;
    else if (s.name === "OBR") {
      groups.push(orc ? [orc, s] : [s]);
      orc = undefined;
    }
  }
  const withObr = groups;
  if (withObr.length === 0) throw new Hl7Refusal("AE", "ORU^R01 without an OBR segment.", h);
  const final = withObr.filter((g) =>
    ["F", "C"].includes(
      value(
        g.find((s) => s.name === "OBR"),
        25,
      )?.toUpperCase() ?? "",
    ),
  );
  if (final.length === 0) return { kind: "ignored", why: "no final or corrected result (OBR-25 F or C)" };
  return { kind: "final-report", accessionNumbers: [...new Set(final.map((g) => accession(g, h)))] };
}

export function readHl7Message(raw: string): ReadMessage {
  const message = parseHl7(raw);
  const h = header(message);
  const [type, event] = h.messageType.split("^");
  const known = (action: Hl7Action): ReadMessage => ({ header: h, action });
  if ((type === "ORM" && event === "O01") || (type === "OMI" && event === "O23"))
    return known({ kind: "orders", orders: readOrders(message, h) });
  if (type === "ADT" && event === "A03")
    return known({ kind: "ignored", why: "a discharge changes no study ReadNext lists" });
  if (type === "ADT" && ADT_MOVES.has(event ?? ""))
    return known({ kind: "patient-move", move: readPatientMove(message, h) });
  if (type === "ORU" && event === "R01") return known(readFinalReport(message, h));
  throw new Hl7Refusal("AR", `Message type ${h.messageType} is not one ReadNext takes (${SUPPORTED_MESSAGES}).`, h);
}

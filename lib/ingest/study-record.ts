import { jsonNumber, jsonString, jsonStrings, type DicomJson } from "../dicom/dicom-json";

import { ORDER_PRIORITIES, type OrderPriority, type PatientLocation } from "../priority/classes";

export { ORDER_PRIORITIES, type OrderPriority, type PatientLocation };

export type LocationRule = { pattern: RegExp; location: Exclude<PatientLocation, "UNKNOWN"> };

/** How free-text locations map to classes; first match wins. Sites can supply their own. */
export const DEFAULT_LOCATION_RULES: LocationRule[] = [
  { pattern: /\b(ED|ER|A&E|EMERG\w*|TRAUMA)\b/i, location: "ED" },
  { pattern: /\b(OP|OUTPAT\w*|CLINIC|AMBUL\w*)\b/i, location: "OUTPATIENT" },
  { pattern: /\b(IP|INPAT\w*|WARD|ICU|CCU|NICU|HDU|ROOM|BED)\b/i, location: "INPATIENT" },
];

export type StudyRecord = {
  studyInstanceUid: string;
  accessionNumber: string | null;
  patientId: string | null;
  patientName: string | null;
  patientSex: string | null;
  patientBirthDate: Date | null;
  studyDateTime: Date | null;
  description: string | null;
  modalities: string[];
  referringPhysician: string | null;
  institutionName: string | null;
  numberOfSeries: number;
  numberOfInstances: number;
  orderPriority: OrderPriority | null;
  orderPriorityRaw: string | null;
  patientLocation: PatientLocation;
  patientLocationRaw: string | null;
};

/** DICOM DA (YYYYMMDD) plus optional TM (HHMMSS.ffffff), read as the server's local time. */
export function parseDicomDateTime(da: string | null, tm?: string | null): Date | null {
  if (!da || !/^\d{8}$/.test(da)) return null;
  const t = (tm ?? "").replace(/:/g, "");
  const hh = Number(t.slice(0, 2) || 0),
    mm = Number(t.slice(2, 4) || 0),
    ss = Number(t.slice(4, 6) || 0);
  const d = new Date(Number(da.slice(0, 4)), Number(da.slice(4, 6)) - 1, Number(da.slice(6, 8)), hh, mm, ss);
  return Number.isNaN(d.getTime()) || [hh, mm, ss].some((n) => !Number.isFinite(n)) ? null : d;
}

export function parseOrderPriority(raw: string | null): OrderPriority | null {
  const v = raw?.trim().toUpperCase();
  return (ORDER_PRIORITIES as readonly string[]).includes(v ?? "") ? (v as OrderPriority) : null;
}

export function classifyLocation(raw: string | null, rules: LocationRule[] = DEFAULT_LOCATION_RULES): PatientLocation {
  if (!raw) return "UNKNOWN";
  return rules.find((r) => r.pattern.test(raw))?.location ?? "UNKNOWN";
}

/**
 * A QIDO-RS study result as ReadNext stores it. Missing priority or location stays
 * visible (null / UNKNOWN plus the raw text) rather than being guessed.
 */
export function studyRecordFromQido(
  ds: DicomJson,
  options: { locationTag: string; locationRules?: LocationRule[] },
): StudyRecord {
  const studyInstanceUid = jsonString(ds, "0020000D");
  if (!studyInstanceUid) throw new Error("QIDO result without StudyInstanceUID (0020,000D)");
  const priorityRaw = jsonString(ds, "00401003");
  const locationRaw = jsonString(ds, options.locationTag.toUpperCase());
  const date = jsonString(ds, "00080020");
  return {
    studyInstanceUid,
    accessionNumber: jsonString(ds, "00080050"),
    patientId: jsonString(ds, "00100020"),
    patientName: jsonString(ds, "00100010"),
    patientSex: jsonString(ds, "00100040"),
    patientBirthDate: parseDicomDateTime(jsonString(ds, "00100030")),
    studyDateTime: parseDicomDateTime(date, jsonString(ds, "00080030")),
    description: jsonString(ds, "00081030"),
    modalities: jsonStrings(ds, "00080061"),
    referringPhysician: jsonString(ds, "00080090"),
    institutionName: jsonString(ds, "00080080"),
    numberOfSeries: jsonNumber(ds, "00201206") ?? 0,
    numberOfInstances: jsonNumber(ds, "00201208") ?? 0,
    orderPriority: parseOrderPriority(priorityRaw),
    orderPriorityRaw: priorityRaw,
    patientLocation: classifyLocation(locationRaw, options.locationRules),
    patientLocationRaw: locationRaw,
  };
}

export type SeriesRecord = {
  seriesInstanceUid: string;
  modality: string | null;
  bodyPart: string | null;
  description: string | null;
  seriesNumber: number | null;
  numberOfInstances: number;
  sliceThicknessMm: number | null;
  imageType: string[];
};

const positive = (n: number | null) => (n !== null && n > 0 ? n : null);

/** A series from a QIDO-RS series listing; SliceThickness and ImageType come when the PACS honours includefield. */
export function seriesRecordFromQido(ds: DicomJson): SeriesRecord {
  const seriesInstanceUid = jsonString(ds, "0020000E");
  if (!seriesInstanceUid) throw new Error("QIDO result without SeriesInstanceUID (0020,000E)");
  return {
    seriesInstanceUid,
    modality: jsonString(ds, "00080060"),
    bodyPart: jsonString(ds, "00180015"),
    description: jsonString(ds, "0008103E"),
    seriesNumber: jsonNumber(ds, "00200011"),
    numberOfInstances: jsonNumber(ds, "00201209") ?? 0,
    sliceThicknessMm: positive(jsonNumber(ds, "00180050")),
    imageType: jsonStrings(ds, "00080008").map((t) => t.toUpperCase()),
  };
}

/** DICOM DA for a Date in local time. */
export function toDicomDate(d: Date): string {
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, "0")}${String(d.getDate()).padStart(2, "0")}`;
}

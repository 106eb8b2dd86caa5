/** The DICOM JSON model (PS3.18 F.2): tag "GGGGEEEE" -> { vr, Value }. */
export type DicomJsonElement = { vr: string; Value?: unknown[]; InlineBinary?: string; BulkDataURI?: string };
export type DicomJson = Record<string, DicomJsonElement>;

/** First value of a tag as a trimmed string, or null when absent or empty. */
export function jsonString(ds: DicomJson, tag: string): string | null {
  const v = ds[tag]?.Value?.[0];
  if (v === undefined || v === null) return null;
  if (typeof v === "object") {
    const alphabetic = (v as { Alphabetic?: string }).Alphabetic;
    return alphabetic?.trim() || null;
  }
  const s = String(v).trim();
  return s === "" ? null : s;
}

export function jsonStrings(ds: DicomJson, tag: string): string[] {
  return (ds[tag]?.Value ?? []).map((v) => String(v).trim()).filter((v) => v !== "");
}

/** First value as a finite number, or null. IS and DS values may arrive as strings. */
export function jsonNumber(ds: DicomJson, tag: string): number | null {
  const v = ds[tag]?.Value?.[0];
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v.trim()) : NaN;
  return Number.isFinite(n) ? n : null;
}

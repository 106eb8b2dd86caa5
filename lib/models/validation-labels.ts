import { parse } from "csv-parse/sync";

/** One row of a site's labels file, as read: a study key and its label, or the row's problem. */
export type LabelRow = {
  /** Line in the file (the header is line 1). */
  line: number;
  studyKey: string;
  keyKind: "uid" | "accession";
  label: 0 | 1 | null;
  subgroup: string | null;
  /** Why this row cannot be used; the run goes on without it. */
  problem: string | null;
};

const UID_COLUMNS = ["studyinstanceuid", "study_instance_uid", "studyuid", "uid"];
const ACCESSION_COLUMNS = ["accession", "accessionnumber", "accession_number"];
const UID = /^[0-9]+(\.[0-9]+)*$/;
export const MAX_LABEL_ROWS = 20_000;

/**
 * Reads a labels file: a header naming a StudyInstanceUID or accession column, `label`
 * (0 or 1) and an optional `subgroup` (scanner, site…). Each bad row is kept with its
 * problem (no study, a label other than 0/1, the same study twice) so the run can list
 * it; only a file that cannot be read at all is refused as a whole.
 */
export function readLabelsCsv(text: string): { ok: true; rows: LabelRow[] } | { ok: false; error: string } {
  let header: string[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text.replace(/^\uFEFF/, ""), {
      columns: (h: string[]) => (header = h.map((x) => x.trim().toLowerCase())),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
    }) as typeof records;
  } catch (e) {
    return { ok: false, error: `not readable as CSV: ${(e as Error).message}` };
  }
  const uidColumn = header.find((h) => UID_COLUMNS.includes(h));
  const accessionColumn = header.find((h) => ACCESSION_COLUMNS.includes(h));
  if ((!uidColumn && !accessionColumn) || !header.includes("label"))
    return {
      ok: false,
      error: "the first line must name the columns: StudyInstanceUID (or accession), label and optionally subgroup",
    };
  if (records.length === 0) return { ok: false, error: "the file has no rows under its header" };
  if (records.length > MAX_LABEL_ROWS)
    return { ok: false, error: `the file has ${records.length} rows; at most ${MAX_LABEL_ROWS} per run` };
  const firstLine = new Map<string, number>();
  const rows = records.map(({ record, info }): LabelRow => {
    const uid = uidColumn ? (record[uidColumn] ?? "") : "";
    const accession = accessionColumn ? (record[accessionColumn] ?? "") : "";
    const keyKind = uid ? "uid" : "accession";
    const studyKey = (uid || accession).slice(0, 200);
    const rawLabel = record.label ?? "";
    const label = rawLabel === "0" ? 0 : rawLabel === "1" ? 1 : null;
    const subgroup = (record.subgroup ?? "").slice(0, 100) || null;
    const row = { line: info.lines, studyKey, keyKind, label, subgroup } as const;
    if (!studyKey) return { ...row, problem: "no StudyInstanceUID or accession" };
    if (uid && !UID.test(uid)) return { ...row, problem: `"${studyKey}" is not a StudyInstanceUID` };
    if (label === null) return { ...row, problem: `label "${rawLabel.slice(0, 40)}" is not 0 or 1` };
    const key = `${keyKind}:${studyKey}`;
    const earlier = firstLine.get(key);
    if (earlier !== undefined) return { ...row, problem: `the same study as line ${earlier}` };
    firstLine.set(key, info.lines);
    return { ...row, problem: null };
  });
  return { ok: true, rows };
}

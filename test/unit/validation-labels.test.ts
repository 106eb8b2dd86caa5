import { describe, expect, it } from "vitest";
import { MAX_LABEL_ROWS, readLabelsCsv } from "@/lib/models/validation-labels";

describe("a site's labels file", () => {
  it("reads UIDs or accessions, labels and subgroups, keeping each bad row with its problem and line", () => {
    const text = [
      "StudyInstanceUID,Accession,Label,Subgroup",
      "1.2.3,,1,scanner-a",
      ",ACC9,0,",
      "",
      "1.2.4,,2,scanner-b",
      "1.2.3,,0,scanner-a",
      "1.2.x,,1,",
      ",,1,",
      "1.2.5,,yes,",
      "1.2.6,ACC7,0,site-2",
    ].join("\r\n");
    const read = readLabelsCsv(`\uFEFF${text}`);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.rows.map((r) => [r.line, r.keyKind, r.studyKey, r.label, r.subgroup, r.problem])).toEqual([
      [2, "uid", "1.2.3", 1, "scanner-a", null],
      [3, "accession", "ACC9", 0, null, null],
      [5, "uid", "1.2.4", null, "scanner-b", 'label "2" is not 0 or 1'],
      [6, "uid", "1.2.3", 0, "scanner-a", "the same study as line 2"],
      [7, "uid", "1.2.x", 1, null, '"1.2.x" is not a StudyInstanceUID'],
      [8, "accession", "", 1, null, "no StudyInstanceUID or accession"],
      [9, "uid", "1.2.5", null, null, 'label "yes" is not 0 or 1'],
      // A UID wins over an accession on the same row.
      [10, "uid", "1.2.6", 0, "site-2", null],
    ]);
  });

  it("an accession file and the same accession twice", () => {
    const read = readLabelsCsv("accession_number,label\nA1,1\nA1,1\nA2,0\n");
    expect(read.ok && read.rows.map((r) => r.problem)).toEqual([null, "the same study as line 2", null]);
  });

  it("refuses a file it cannot use at all, saying why", () => {
    expect(readLabelsCsv("uid,diagnosis\n1.2.3,1\n")).toEqual({
      ok: false,
      error: "the first line must name the columns: StudyInstanceUID (or accession), label and optionally subgroup",
    });
    expect(readLabelsCsv("patient,label\nX,1\n").ok).toBe(false);
    expect(readLabelsCsv("StudyInstanceUID,label\n")).toEqual({
      ok: false,
      error: "the file has no rows under its header",
    });
    expect(readLabelsCsv('StudyInstanceUID,label\n"1.2.3,1\n')).toMatchObject({
      ok: false,
      error: /^not readable as CSV/,
    });
    const many = `uid,label\n${Array.from({ length: MAX_LABEL_ROWS + 1 }, (_, i) => `1.2.${i},1`).join("\n")}`;
    expect(readLabelsCsv(many)).toMatchObject({ ok: false, error: /at most 20000 per run/ });
  });
});

describe("a labels row's own words", () => {
  it("keeps no subgroup when the file has none, and quotes at most 40 characters of a bad label", () => {
    const read = readLabelsCsv(`accession,label\nA1,1\nA2,${"y".repeat(60)}\n`);
    expect(read.ok && read.rows.map((r) => [r.subgroup, r.problem])).toEqual([
      [null, null],
      [null, `label "${"y".repeat(40)}" is not 0 or 1`],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { parseRvuCsv, rvuTableSchema, workRvu, type RvuTable } from "@/lib/routing/rvu";

const table: RvuTable = {
  defaultRvu: 0.5,
  rows: [
    { modality: "CT", bodyPart: "HEAD", rvu: 0.85, note: "" },
    { modality: "CT", bodyPart: null, rvu: 1, note: "" },
    { modality: "MR", bodyPart: null, rvu: 1.4, note: "" },
  ],
};

describe("workRvu", () => {
  it("takes the row for modality and body part, else the modality's any-body-part row, else the default", () => {
    expect(workRvu(table, { modalities: ["CT"], bodyPart: "HEAD" })).toBe(0.85);
    expect(workRvu(table, { modalities: ["ct"], bodyPart: "head" })).toBe(0.85);
    expect(workRvu(table, { modalities: ["CT"], bodyPart: "CHEST" })).toBe(1);
    expect(workRvu(table, { modalities: ["CT"], bodyPart: null })).toBe(1);
    expect(workRvu(table, { modalities: ["US"], bodyPart: "ABDOMEN" })).toBe(0.5);
    expect(workRvu(table, { modalities: [], bodyPart: null })).toBe(0.5);
  });
  it("prefers an exact row of any of the study's modalities over a modality-only row of an earlier one", () => {
    expect(workRvu(table, { modalities: ["MR", "CT"], bodyPart: "HEAD" })).toBe(0.85);
    expect(workRvu(table, { modalities: ["MR", "CT"], bodyPart: "KNEE" })).toBe(1.4);
  });
});

describe("parseRvuCsv", () => {
  it("reads a header row and lines with an empty body part meaning any", () => {
    const csv = "Modality,Body_Part,RVU,Note\nct,head,0.85,70450 CT head\nMR,,1.4,\n";
    expect(parseRvuCsv(csv)).toEqual({
      ok: true,
      rows: [
        { modality: "CT", bodyPart: "HEAD", rvu: 0.85, note: "70450 CT head" },
        { modality: "MR", bodyPart: null, rvu: 1.4, note: "" },
      ],
    });
  });
  it("reports every bad line by its line number, and returns no rows", () => {
    const csv = "modality,body_part,rvu\nCT,HEAD,abc\nCT,HEAD,0.9\n,CHEST,1\nCT,head,1.1\nMR,,-2\n";
    const r = parseRvuCsv(csv);
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors).toHaveLength(4);
    expect(errors[0]).toBe('line 2: rvu "abc" is not a number');
    expect(errors[1]).toMatch(/^line 4: modality /);
    expect(errors[2]).toBe("line 5: CT HEAD is already on line 3");
    expect(errors[3]).toMatch(/^line 6: rvu /);
  });
  it("wants the column names on the first line", () => {
    expect(parseRvuCsv("CT,HEAD,0.85\n")).toEqual({
      ok: false,
      errors: ["the first line must name the columns: modality,body_part,rvu,note"],
    });
    expect(parseRvuCsv("modality,body_part,rvu\n")).toEqual({
      ok: false,
      errors: ["the file has no rows under its header"],
    });
    expect(parseRvuCsv("")).toMatchObject({ ok: false });
    expect(parseRvuCsv('modality,rvu\n"CT,1\n')).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^not readable as CSV/)],
    });
  });
});

describe("rvuTableSchema", () => {
  it("refuses a table listing the same modality and body part twice", () => {
    const r = rvuTableSchema.safeParse({
      defaultRvu: 0.5,
      rows: [
        { modality: "CT", bodyPart: null, rvu: 1 },
        { modality: "ct", bodyPart: "", rvu: 2 },
      ],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ["rows", 1], message: "CT (any body part) is listed twice" });
  });
});

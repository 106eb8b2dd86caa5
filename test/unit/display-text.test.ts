import { describe, expect, it } from "vitest";
import { formatPersonName } from "@/lib/dicom/person-name";
import { studyTitle } from "@/lib/study-title";

describe("DICOM person names as people read them", () => {
  it.each([
    ["SILVA^DAVID", "SILVA, DAVID"],
    ["DOE^JOHN^Q", "DOE, JOHN Q"],
    ["DOE^JOHN^^DR^JR", "DR DOE, JOHN JR"],
    ["DOE", "DOE"],
    ["^JOHN", "JOHN"],
    ["Yamada^Tarou=山田^太郎=やまだ^たろう", "Yamada, Tarou"],
    [" DOE ^ JOHN ", "DOE, JOHN"],
    ["", null],
    ["^^^^", null],
    [null, null],
  ] as const)("%s → %s", (pn, shown) => {
    expect(formatPersonName(pn)).toBe(shown);
  });
});

describe("study titles", () => {
  it.each([
    [["CT"], "CT HEAD WO CONTRAST", "CT HEAD WO CONTRAST"],
    [["CT"], "ct head", "ct head"],
    [["MR"], "KNEE LEFT", "MR KNEE LEFT"],
    [["CT"], "CTA NECK", "CT CTA NECK"],
    [["CR", "DX"], "CR/DX CHEST", "CR/DX CHEST"],
    [[], "HEAD", "HEAD"],
    [["US"], null, "US"],
    [[], null, "—"],
  ] as const)("%s + %s → %s", (modalities, description, shown) => {
    expect(studyTitle([...modalities], description)).toBe(shown);
  });
});

import { describe, expect, it } from "vitest";
import { formatPersonName } from "@/lib/dicom/person-name";

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

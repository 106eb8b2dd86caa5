import { describe, expect, it } from "vitest";
import { deviceUid, srInstanceUid, srSeriesUid, srTrackingUid, uidFromName } from "@/lib/sr/sr-uids";
import { findingConcept } from "@/lib/sr/ai-result-sr";

// PS3.5 9.1: digits and dots, at most 64 characters, no component with a leading zero (except "0" itself).
const VALID_UID = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/;

describe("UIDs of ReadNext's SRs", () => {
  it("are valid DICOM UIDs under 2.25, whatever the name", () => {
    for (const name of ["", "a", "1.2.840.113619.2.55.3", "x".repeat(10_000), "ünïcode\n\t"]) {
      const uid = uidFromName(name);
      expect(uid).toMatch(VALID_UID);
      expect(uid.startsWith("2.25.")).toBe(true);
      expect(uid.length).toBeLessThanOrEqual(64);
    }
  });

  it("are the same for the same name and differ between names and kinds", () => {
    expect(srSeriesUid("1.2.3")).toBe(srSeriesUid("1.2.3"));
    expect(srSeriesUid("1.2.3")).not.toBe(srSeriesUid("1.2.4"));
    const all = [srSeriesUid("r1"), srInstanceUid("r1"), srTrackingUid("r1"), deviceUid("r1", "1")];
    expect(new Set(all).size).toBe(4);
  });

  it("take 128 bits of SHA-256 of the name (checked against a value computed by hand with sha256sum)", () => {
    // printf 'abc' | sha256sum → ba7816bf8f01cfea414140de5dae2223…; its first 32 hex digits as a decimal integer:
    expect(uidFromName("abc")).toBe(`2.25.${BigInt("0xba7816bf8f01cfea414140de5dae2223").toString()}`);
  });
});

describe("findings as coded concepts", () => {
  it("the shipped models' findings are SNOMED CT; others keep the model's code under ReadNext's scheme", () => {
    expect(findingConcept("intracranial-bleed", "intracranial bleed")).toEqual({
      value: "1386000",
      scheme: "SCT",
      meaning: "Intracranial hemorrhage",
    });
    expect(findingConcept("pneumothorax", "pneumothorax")).toEqual({
      value: "36118008",
      scheme: "SCT",
      meaning: "Pneumothorax",
    });
    expect(findingConcept("rib-fracture", "rib fracture")).toEqual({
      value: "rib-fracture",
      scheme: "99RDNXT",
      meaning: "rib fracture",
    });
  });
});

// The SR's content, read back by independent readers (dcmtk's dsrdump checks it against the SR IOD;
// pydicom walks the tree), without a PACS: the Orthanc round trip is test/integration/result-write-back.test.ts.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writePart10 } from "@/lib/dicom/part10";
import { aiResultSrDataset, type AiResultSrInput } from "@/lib/sr/ai-result-sr";

const IMAGE = {
  PatientName: "DOE^JANE",
  PatientID: "MRN123",
  IssuerOfPatientID: "HOSP",
  PatientBirthDate: "19600102",
  PatientSex: "F",
  StudyInstanceUID: "1.2.826.0.1.3680043.8.498.1",
  StudyDate: "20261203",
  StudyTime: "101500",
  AccessionNumber: "ACC42",
  StudyID: "S1",
  ReferringPhysicianName: "WHO^DR",
  SeriesInstanceUID: "1.2.826.0.1.3680043.8.498.2",
  Modality: "CT",
};

function input(overrides: Partial<AiResultSrInput["result"]> = {}, keyImage = true): AiResultSrInput {
  return {
    image: IMAGE,
    result: {
      id: "result-1",
      findingCode: "intracranial-bleed",
      findingName: "intracranial bleed",
      probability: 0.91234567,
      critical: true,
      modelId: "ich-headct",
      modelVersion: "1.2.0",
      ...overrides,
    },
    keyImage: keyImage
      ? {
          seriesInstanceUid: IMAGE.SeriesInstanceUID,
          sopClassUid: "1.2.840.10008.5.1.4.1.1.2",
          sopInstanceUid: "1.2.3.4.5.6",
        }
      : null,
    uids: { series: "2.25.1", instance: "2.25.2", trackingUid: "2.25.3", deviceUid: "2.25.4" },
    instanceNumber: 3,
    at: { date: "20261203", time: "120000" },
  };
}

function written(sr: AiResultSrInput): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "readnext-sr-unit-")), "sr.dcm");
  writeFileSync(file, writePart10(aiResultSrDataset(sr)));
  return file;
}

const READ = `
import json, sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
def walk(items, depth, out):
    for it in items:
        entry = {"rel": it.RelationshipType, "type": it.ValueType, "name": it.ConceptNameCodeSequence[0].CodeMeaning, "depth": depth}
        if it.ValueType == "CODE": entry["value"] = [it.ConceptCodeSequence[0].CodeValue, it.ConceptCodeSequence[0].CodingSchemeDesignator]
        if it.ValueType == "NUM": entry["value"] = [str(it.MeasuredValueSequence[0].NumericValue), it.MeasuredValueSequence[0].MeasurementUnitsCodeSequence[0].CodeValue]
        if it.ValueType == "TEXT": entry["value"] = it.TextValue
        if it.ValueType == "UIDREF": entry["value"] = it.UID
        if it.ValueType == "IMAGE": entry["value"] = [it.ReferencedSOPSequence[0].ReferencedSOPClassUID, it.ReferencedSOPSequence[0].ReferencedSOPInstanceUID]
        out.append(entry)
        if "ContentSequence" in it: walk(it.ContentSequence, depth + 1, out)
    return out
head = {k: str(getattr(ds, k, "")) for k in ["SOPClassUID", "SOPInstanceUID", "Modality", "SeriesInstanceUID", "SeriesNumber", "InstanceNumber",
  "PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID", "StudyDate", "StudyTime",
  "AccessionNumber", "StudyID", "ReferringPhysicianName", "CompletionFlag", "VerificationFlag", "ContentDate", "ContentTime", "Manufacturer"]}
head["has"] = {k: k in ds for k in ["IssuerOfPatientID", "PatientBirthDate", "ReferringPhysicianName"]}
head["root"] = ds.ConceptNameCodeSequence[0].CodeValue
head["template"] = ds.ContentTemplateSequence[0].TemplateIdentifier
head["evidence"] = [s.ReferencedSOPSequence[0].ReferencedSOPInstanceUID for e in ds.get("CurrentRequestedProcedureEvidenceSequence", []) for s in e.ReferencedSeriesSequence]
print(json.dumps({"head": head, "tree": walk(ds.ContentSequence, 1, [])}))`;

const read = (file: string) => JSON.parse(execFileSync("/usr/bin/python3", ["-c", READ, file], { encoding: "utf8" }));
const dsrdump = (file: string) => spawnSync("dsrdump", ["-Ee", "-Ec", file], { encoding: "utf8" });

describe("an AI result as a DICOM SR", () => {
  it("passes dcmtk's IOD check with neither errors nor warnings", () => {
    for (const sr of [
      input(),
      input({ critical: false, findingCode: "rib-fracture", findingName: "rib fracture" }, false),
    ]) {
      const check = dsrdump(written(sr));
      expect(check.status, check.stderr).toBe(0);
      expect(check.stderr).toBe("");
    }
  });

  it("carries the images' patient and study unchanged, in a Comprehensive SR of ReadNext's series", () => {
    const { head } = read(written(input()));
    expect(head).toMatchObject({
      SOPClassUID: "1.2.840.10008.5.1.4.1.1.88.33",
      SOPInstanceUID: "2.25.2",
      Modality: "SR",
      SeriesInstanceUID: "2.25.1",
      SeriesNumber: "9901",
      InstanceNumber: "3",
      PatientName: "DOE^JANE",
      PatientID: "MRN123",
      IssuerOfPatientID: "HOSP",
      PatientBirthDate: "19600102",
      PatientSex: "F",
      StudyInstanceUID: IMAGE.StudyInstanceUID,
      StudyDate: "20261203",
      StudyTime: "101500",
      AccessionNumber: "ACC42",
      StudyID: "S1",
      ReferringPhysicianName: "WHO^DR",
      CompletionFlag: "COMPLETE",
      VerificationFlag: "UNVERIFIED",
      ContentDate: "20261203",
      ContentTime: "120000",
      Manufacturer: "ReadNext",
      root: "126000",
      template: "1500",
      evidence: ["1.2.3.4.5.6"],
    });
  });

  it("says what was found, how likely, by which algorithm, that it is not a diagnosis, and where to look", () => {
    const { tree } = read(written(input()));
    const at = (name: string) => tree.find((e: { name: string }) => e.name === name);
    expect(at("Language of Content Item and Descendants")).toMatchObject({ depth: 1, value: ["en-US", "RFC5646"] });
    expect(at("Observer Type")).toMatchObject({ rel: "HAS OBS CONTEXT", value: ["121007", "DCM"] });
    expect(at("Device Observer UID")).toMatchObject({ value: "2.25.4" });
    expect(at("Device Observer Name")).toMatchObject({ value: "ReadNext ich-headct" });
    expect(at("Procedure reported")).toMatchObject({ rel: "HAS CONCEPT MOD", value: ["363679005", "SCT"] });
    expect(at("Imaging Measurements")).toMatchObject({ type: "CONTAINER", depth: 1 });
    expect(at("Measurement Group")).toMatchObject({ type: "CONTAINER", depth: 2 });
    const group = tree.filter((e: { depth: number }) => e.depth === 3);
    expect(group.map((e: { name: string }) => e.name)).toEqual([
      "Tracking Identifier",
      "Tracking Unique Identifier",
      "Finding",
      "AI probability of finding",
      "Worklist priority flag",
      "Algorithm Name",
      "Algorithm Version",
      "Comment",
      "Source of Measurement",
    ]);
    expect(at("Tracking Identifier")).toMatchObject({ rel: "HAS OBS CONTEXT", value: "ReadNext AI result result-1" });
    expect(at("Tracking Unique Identifier")).toMatchObject({ value: "2.25.3" });
    expect(at("Finding")).toMatchObject({ rel: "CONTAINS", value: ["1386000", "SCT"] });
    expect(at("AI probability of finding")).toMatchObject({ type: "NUM", value: ["0.9123", "1"] });
    expect(at("Worklist priority flag")).toMatchObject({ value: ["critical", "99RDNXT"] });
    expect(at("Algorithm Name")).toMatchObject({ rel: "HAS CONCEPT MOD", value: "ReadNext ich-headct" });
    expect(at("Algorithm Version")).toMatchObject({ value: "1.2.0" });
    expect(at("Comment")).toMatchObject({ value: "For worklist prioritisation only; not a diagnosis." });
    expect(at("Source of Measurement")).toMatchObject({
      type: "IMAGE",
      value: ["1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.5.6"],
    });
  });

  it("a finding of another model keeps its own code; not critical says so; no key image: no reference and no evidence", () => {
    const { head, tree } = read(
      written(input({ critical: false, findingCode: "rib-fracture", findingName: "rib fracture" }, false)),
    );
    const at = (name: string) => tree.find((e: { name: string }) => e.name === name);
    expect(at("Finding")).toMatchObject({ value: ["rib-fracture", "99RDNXT"] });
    expect(at("Worklist priority flag")).toMatchObject({ value: ["not-critical", "99RDNXT"] });
    expect(at("Source of Measurement")).toBeUndefined();
    expect(head.evidence).toEqual([]);
  });

  it("a Type 2 attribute the images lack is present and empty; a Type 3 one is left out", () => {
    const { PatientBirthDate: _b, ReferringPhysicianName: _r, IssuerOfPatientID: _i, ...sparse } = IMAGE;
    const sr = { ...input(), image: sparse };
    const { head } = read(written(sr));
    expect(head.has).toEqual({ IssuerOfPatientID: false, PatientBirthDate: true, ReferringPhysicianName: true });
    expect(head.PatientBirthDate).toBe("");
    expect(dsrdump(written(sr)).stderr).toBe("");
  });
});

import { describe, expect, it } from "vitest";
import {
  classifyLocation,
  parseDicomDateTime,
  parseOrderPriority,
  seriesRecordFromQido,
  studyRecordFromQido,
  toDicomDate,
} from "@/lib/ingest/study-record";
import { sweepIsDue } from "@/lib/ingest/sweep-due";
import type { DicomJson } from "@/lib/dicom/dicom-json";

const qido = (extra: DicomJson = {}): DicomJson => ({
  "0020000D": { vr: "UI", Value: ["1.2.3"] },
  "00080020": { vr: "DA", Value: ["20261128"] },
  "00080030": { vr: "TM", Value: ["101530.123"] },
  "00080050": { vr: "SH", Value: ["ACC1"] },
  "00080061": { vr: "CS", Value: ["CT", "SR"] },
  "00100010": { vr: "PN", Value: [{ Alphabetic: "DOE^JANE" }] },
  "00100030": { vr: "DA", Value: ["19800229"] },
  "00201206": { vr: "IS", Value: ["2"] },
  "00201208": { vr: "IS", Value: [34] },
  ...extra,
});

describe("order priority", () => {
  it.each([
    ["STAT", "STAT"],
    ["stat ", "STAT"],
    ["HIGH", "HIGH"],
    ["MEDIUM", "MEDIUM"],
    ["ROUTINE", "ROUTINE"],
    ["LOW", "LOW"],
    ["URGENT", null],
    ["", null],
    [null, null],
  ])("%j → %j", (raw, expected) => expect(parseOrderPriority(raw)).toBe(expected));
});

describe("patient location", () => {
  it.each([
    ["ED", "ED"],
    ["Emergency Dept", "ED"],
    ["A&E resus", "ED"],
    ["WARD 4B", "INPATIENT"],
    ["ICU bed 3", "INPATIENT"],
    ["OUTPATIENT CLINIC", "OUTPATIENT"],
    ["Ortho clinic", "OUTPATIENT"],
    ["Radiology", "UNKNOWN"],
    [null, "UNKNOWN"],
    // Words only: "BEDFORD" is not a bed, "MEDICINE" not ED.
    ["BEDFORD HOUSE", "UNKNOWN"],
    ["MEDICINE", "UNKNOWN"],
  ])("%j → %s", (raw, expected) => expect(classifyLocation(raw)).toBe(expected));

  it("takes site rules", () => {
    expect(classifyLocation("NOTAUFNAHME", [{ pattern: /NOTAUFNAHME/, location: "ED" }])).toBe("ED");
  });
});

describe("DICOM dates", () => {
  it("reads DA and TM as local time", () => {
    expect(parseDicomDateTime("20261128", "101530.123")).toEqual(new Date(2026, 10, 28, 10, 15, 30));
    expect(parseDicomDateTime("20261128", "10")).toEqual(new Date(2026, 10, 28, 10, 0, 0));
    expect(parseDicomDateTime("20261128")).toEqual(new Date(2026, 10, 28));
  });
  it.each([[null], [""], ["2026-11-28"], ["202611"]])("rejects %j", (da) => expect(parseDicomDateTime(da)).toBeNull());
  it("writes DA", () => expect(toDicomDate(new Date(2026, 0, 5, 23, 59))).toBe("20260105"));
});

describe("QIDO study → record", () => {
  it("maps the standard attributes and counts", () => {
    const r = studyRecordFromQido(
      qido({
        "00401003": { vr: "SH", Value: ["STAT"] },
        "00380300": { vr: "LO", Value: ["ED"] },
        "00080080": { vr: "LO", Value: ["St Mary's Hospital"] },
      }),
      { locationTag: "00380300" },
    );
    expect(r).toMatchObject({
      studyInstanceUid: "1.2.3",
      accessionNumber: "ACC1",
      patientName: "DOE^JANE",
      modalities: ["CT", "SR"],
      numberOfSeries: 2,
      numberOfInstances: 34,
      orderPriority: "STAT",
      patientLocation: "ED",
      patientLocationRaw: "ED",
      institutionName: "St Mary's Hospital",
    });
    expect(r.patientBirthDate).toEqual(new Date(1980, 1, 29));
  });

  it("keeps missing priority and location visible instead of guessing", () => {
    const r = studyRecordFromQido(qido({ "00401003": { vr: "SH", Value: ["ASAP"] } }), { locationTag: "00380300" });
    expect(r.orderPriority).toBeNull();
    expect(r.orderPriorityRaw).toBe("ASAP");
    expect(r.patientLocation).toBe("UNKNOWN");
    expect(r.patientLocationRaw).toBeNull();
  });

  it("reads the location from the configured tag", () => {
    const r = studyRecordFromQido(qido({ "00081040": { vr: "LO", Value: ["Emergency"] } }), {
      locationTag: "00081040",
    });
    expect(r.patientLocation).toBe("ED");
  });

  it("refuses a result without a StudyInstanceUID", () => {
    expect(() => studyRecordFromQido({}, { locationTag: "00380300" })).toThrow(/StudyInstanceUID/);
  });

  it("maps a series", () => {
    expect(
      seriesRecordFromQido({
        "0020000E": { vr: "UI", Value: ["9.8"] },
        "00080060": { vr: "CS", Value: ["CT"] },
        "00201209": { vr: "IS", Value: ["32"] },
        "00200011": { vr: "IS", Value: ["2"] },
      }),
    ).toEqual({
      seriesInstanceUid: "9.8",
      modality: "CT",
      bodyPart: null,
      description: null,
      seriesNumber: 2,
      numberOfInstances: 32,
      sliceThicknessMm: null,
      imageType: [],
    });
  });

  it("keeps the slice thickness and image type the PACS lists for a series (DS as a number or a string)", () => {
    const series = (extra: DicomJson) => seriesRecordFromQido({ "0020000E": { vr: "UI", Value: ["9.8"] }, ...extra });
    expect(
      series({
        "00180050": { vr: "DS", Value: [5] },
        "00080008": { vr: "CS", Value: ["ORIGINAL", "PRIMARY", "axial "] },
      }),
    ).toMatchObject({ sliceThicknessMm: 5, imageType: ["ORIGINAL", "PRIMARY", "AXIAL"] });
    expect(series({ "00180050": { vr: "DS", Value: [" 0.625"] } })).toMatchObject({ sliceThicknessMm: 0.625 });
    // Absent, empty, zero or garbage: unknown, never 0 mm.
    for (const value of [[], [""], [0], ["n/a"]])
      expect(series({ "00180050": { vr: "DS", Value: value } })).toMatchObject({ sliceThicknessMm: null });
  });
});

describe("when a sweep is due", () => {
  const now = new Date("2026-11-28T10:00:00Z");
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const base = { lastSuccessAt: ago(30_000), lastErrorAt: null, syncRequestedAt: null, syncIntervalSeconds: 60 };
  it.each([
    ["recently synced", base, [], false],
    ["interval passed", { ...base, lastSuccessAt: ago(61_000) }, [], true],
    ["interval passed to the millisecond", { ...base, lastSuccessAt: ago(60_000) }, [], true],
    ["never synced", { ...base, lastSuccessAt: null }, [], true],
    ["interval passed, one already waiting", { ...base, lastSuccessAt: ago(61_000) }, ["queued"], false],
    ["never synced, one running", { ...base, lastSuccessAt: null }, ["running"], false],
    ["a failed sweep waits to retry", { ...base, lastSuccessAt: null, lastErrorAt: ago(1_000) }, ["retrying"], false],
    // Retries ran out 30 s ago: the source rests one interval from its last failure, not from its last success.
    ["retries ran out recently", { ...base, lastSuccessAt: ago(3_600_000), lastErrorAt: ago(30_000) }, [], false],
    ["retries ran out an interval ago", { ...base, lastSuccessAt: null, lastErrorAt: ago(61_000) }, [], true],
    ["sync now beats a waiting retry", { ...base, syncRequestedAt: now }, ["retrying"], true],
    ["sync now while one runs queues one more", { ...base, syncRequestedAt: now }, ["running"], true],
    ["sync now with one already waiting", { ...base, syncRequestedAt: now }, ["queued", "running"], false],
  ] as const)("%s", (_label, source, pending, due) => expect(sweepIsDue(source, pending, now)).toBe(due));
});

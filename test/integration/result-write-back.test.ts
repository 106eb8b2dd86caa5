// AI results back to the PACS as DICOM SR: the SR round-trips through a real Orthanc and reads
// correctly with dcmtk's dsrdump and with pydicom (independent readers), is sent once, is not
// taken for new work by ReadNext's own sweep, waits for retries while the PACS refuses it, and is
// never sent for a source whose setting is off.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateStudy } from "@/lib/synthetic/studies";
import { readPart10 } from "@/lib/dicom/part10";
import { DicomWebAdapter } from "@/server/pacs/dicomweb-adapter";
import { configForUrl } from "@/server/pacs/source-config";
import { createSource } from "@/server/pacs/pacs-sources";
import { syncSource } from "@/server/ingest/sync-source";
import { writeResultBack } from "@/server/results/write-back";
import { srInstanceUid, srSeriesUid } from "@/lib/sr/sr-uids";
import { orthancSource, resetDatabase, testDb } from "../support/db";
import { startTestOrthanc, type TestOrthanc } from "../support/orthanc";
import { startPacsProxy } from "../support/pacs-proxy";

let orthanc: TestOrthanc;
let seed = 100;

beforeAll(async () => {
  orthanc = await startTestOrthanc();
});
afterAll(() => orthanc?.stop());
beforeEach(() => resetDatabase());

const json = (ds: unknown, tag: string) => (ds as Record<string, { Value?: unknown[] }>)[tag]?.Value?.[0];

/** A synthetic head CT in Orthanc, ingested, with a stored AI result whose key slice is its third image. */
async function scoredStudy(dicomWebUrl: string, writeResultsBack: boolean) {
  const study = generateStudy({ seed: ++seed, kind: "head-ct", studyDateTime: new Date() });
  await new DicomWebAdapter(configForUrl(orthanc.dicomWebUrl, { timeoutMs: 30_000 })).storeInstances(study.instances);
  const source = await createSource(
    testDb(),
    null,
    orthancSource(`pacs ${seed}`, dicomWebUrl, { writeResultsBack, syncIntervalSeconds: 3600 }),
  );
  await syncSource(testDb(), source.id);
  // The key slice: the third image of the study's largest series, as the synthetic files number it.
  const images = study.instances.map(readInstance);
  const largest = [...new Set(images.map((i) => i.series))].sort(
    (a, b) => images.filter((i) => i.series === b).length - images.filter((i) => i.series === a).length,
  )[0]!;
  const key = images.filter((i) => i.series === largest).sort((a, b) => a.number - b.number)[2]!;
  const row = await testDb().study.findFirstOrThrow({
    where: { studyInstanceUid: study.studyInstanceUid },
    include: { series: true },
  });
  const result = await testDb().aiResult.create({
    data: {
      studyId: row.id,
      studyRevision: row.revision,
      modelId: "ich-headct",
      modelVersion: "1.0.0",
      status: "SCORED",
      seriesInstanceUid: key.series,
      probability: 0.8731,
      finding: "intracranial-bleed",
      critical: true,
      keySliceInstanceNumber: key.number,
    },
  });
  return { study, row, result, key, sourceId: source.id };
}

async function srInstances(studyInstanceUid: string) {
  const adapter = new DicomWebAdapter(configForUrl(orthanc.dicomWebUrl, { timeoutMs: 30_000 }));
  const series = await adapter.searchSeries(studyInstanceUid);
  const ours = series.find((s) => json(s, "0020000E") === srSeriesUid(studyInstanceUid));
  if (!ours) return { adapter, instances: [] as unknown[] };
  return { adapter, instances: await adapter.searchInstances(studyInstanceUid, srSeriesUid(studyInstanceUid)) };
}

describe("AI results written back to the PACS as DICOM SR", () => {
  it("round-trips through Orthanc and reads correctly with dsrdump and pydicom", async () => {
    const { study, row, result, key } = await scoredStudy(orthanc.dicomWebUrl, true);
    expect(await writeResultBack(testDb(), result.id)).toBe("sent");

    const { adapter, instances } = await srInstances(study.studyInstanceUid);
    expect(instances).toHaveLength(1);
    expect(json(instances[0], "00080018")).toBe(srInstanceUid(result.id));
    expect(json(instances[0], "00080016")).toBe("1.2.840.10008.5.1.4.1.1.88.33");
    const [bytes] = await adapter.retrieveInstances(study.studyInstanceUid, srSeriesUid(study.studyInstanceUid), [
      srInstanceUid(result.id),
    ]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), "readnext-sr-")), "sr.dcm");
    writeFileSync(file, bytes!);

    // dcmtk: parses and checks the document against the SR IOD (no error, no warning), and prints the tree.
    const checked = spawnSync("dsrdump", ["-Ee", "-Ec", "+Pl", file], { encoding: "utf8" });
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stderr).toBe("");
    const dump = checked.stdout;
    expect(dump).toContain("Comprehensive SR Document");
    expect(dump).toContain("Imaging Measurement Report");
    expect(dump).toMatch(/Finding.*Intracranial hemorrhage/);
    expect(dump).toContain("0.8731");
    expect(dump).toMatch(/Algorithm Name.*"ReadNext ich-headct"/);
    expect(dump).toMatch(/Algorithm Version.*"1\.0\.0"/);
    expect(dump).toContain("For worklist prioritisation only; not a diagnosis.");

    // pydicom: the patient and study are the images' own; the key image is slice 3 of the scored series.
    const script = `
import json, sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
def walk(items, out):
    for it in items:
        name = it.ConceptNameCodeSequence[0].CodeMeaning
        if it.ValueType == "CODE": out[name] = it.ConceptCodeSequence[0].CodeValue + "/" + it.ConceptCodeSequence[0].CodingSchemeDesignator
        elif it.ValueType == "NUM": out[name] = float(it.MeasuredValueSequence[0].NumericValue)
        elif it.ValueType == "TEXT": out[name] = it.TextValue
        elif it.ValueType == "IMAGE": out[name] = it.ReferencedSOPSequence[0].ReferencedSOPInstanceUID
        if "ContentSequence" in it: walk(it.ContentSequence, out)
    return out
print(json.dumps({"patientId": ds.PatientID, "study": ds.StudyInstanceUID, "accession": ds.AccessionNumber,
  "modality": ds.Modality, "template": ds.ContentTemplateSequence[0].TemplateIdentifier,
  "content": walk(ds.ContentSequence, {})}))`;
    const read = JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, file], { encoding: "utf8" }));
    expect(read).toMatchObject({
      patientId: study.patientId,
      study: study.studyInstanceUid,
      accession: study.accessionNumber,
      modality: "SR",
      template: "1500",
    });
    expect(read.content.Finding).toBe("1386000/SCT");
    expect(read.content["AI probability of finding"]).toBeCloseTo(0.8731, 6);
    expect(read.content["Source of Measurement"]).toBe(key.sop);

    const written = await testDb().resultWriteBack.findUniqueOrThrow({ where: { aiResultId: result.id } });
    expect(written).toMatchObject({ studyId: row.id, attempts: 1, lastError: null });
    expect(written.sentAt).not.toBeNull();
  });

  it("is sent once: a second try changes nothing, and ReadNext's own sweep does not take the SR for new work", async () => {
    const { study, row, result, sourceId } = await scoredStudy(orthanc.dicomWebUrl, true);
    expect(await writeResultBack(testDb(), result.id)).toBe("sent");
    expect(await writeResultBack(testDb(), result.id)).toBe("already-sent");
    expect((await srInstances(study.studyInstanceUid)).instances).toHaveLength(1);

    const events = await testDb().auditEvent.count({ where: { studyId: row.id, action: "study.changed" } });
    await syncSource(testDb(), sourceId);
    const after = await testDb().study.findUniqueOrThrow({ where: { id: row.id }, include: { series: true } });
    expect(after.revision).toBe(row.revision);
    expect(after.series.map((s) => s.modality)).not.toContain("SR");
    expect(await testDb().auditEvent.count({ where: { studyId: row.id, action: "study.changed" } })).toBe(events);
    // The study's counts now include the SR, so the next sweep does not even look at its series.
    expect(after.numberOfInstances).toBe(row.numberOfInstances + 1);
  });

  it("a PACS that refuses the SR: the error is kept for the admin page and the try is counted; the next try sends it", async () => {
    let refuse = true;
    const proxy = await startPacsProxy(orthanc.baseUrl, (req) =>
      refuse && req.method === "POST" ? { status: 503 } : undefined,
    );
    try {
      const { study, result, sourceId } = await scoredStudy(proxy.dicomWebUrl, true);
      await expect(writeResultBack(testDb(), result.id)).rejects.toThrow();
      const failed = await testDb().resultWriteBack.findUniqueOrThrow({ where: { aiResultId: result.id } });
      expect(failed).toMatchObject({ attempts: 1, sentAt: null });
      expect(failed.lastError).toMatch(/503/);
      const { listSources } = await import("@/server/pacs/pacs-sources");
      const listed = (await listSources(testDb())).find((s) => s.id === sourceId)!;
      expect(listed.writeBack).toMatchObject({ sent: 0, waiting: 1 });
      expect(listed.writeBack.lastError).toMatch(/503/);
      expect((await srInstances(study.studyInstanceUid)).instances).toHaveLength(0);

      refuse = false;
      expect(await writeResultBack(testDb(), result.id)).toBe("sent");
      expect(await testDb().resultWriteBack.findUniqueOrThrow({ where: { aiResultId: result.id } })).toMatchObject({
        attempts: 2,
        lastError: null,
      });
      expect((await srInstances(study.studyInstanceUid)).instances).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it("a source with the setting off gets nothing", async () => {
    const { study, result } = await scoredStudy(orthanc.dicomWebUrl, false);
    expect(await writeResultBack(testDb(), result.id)).toBe("off");
    expect((await srInstances(study.studyInstanceUid)).instances).toHaveLength(0);
    expect(await testDb().resultWriteBack.count()).toBe(0);
  });
});

function readInstance(bytes: Uint8Array) {
  const ds = readPart10(bytes);
  return {
    series: ds.SeriesInstanceUID as string,
    number: Number(ds.InstanceNumber),
    sop: ds.SOPInstanceUID as string,
  };
}

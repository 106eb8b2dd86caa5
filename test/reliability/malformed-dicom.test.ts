// Reliability: what a PACS or a modality may send that is not a readable greyscale image, through
// the real scoring path (WADO-RS retrieve over HTTP, Part 10 parsing, pixel decoding, the model,
// the stored result and the study's verdict). Each case ends in a named reason — never a raw
// JavaScript error, never a crash — and the study stays listed at its order's priority.
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import dcmjs from "dcmjs";
import { generateStudy } from "@/lib/synthetic/studies";
import { readPart10, type Dataset } from "@/lib/dicom/part10";
import { ModelRegistry } from "@/server/models/model-registry";
import { AdapterCache } from "@/server/scoring/adapter-cache";
import { scoreStudy } from "@/server/scoring/score-study";
import { createSource } from "@/server/pacs/pacs-sources";
import { refreshPriorities } from "@/server/worklist/refresh-priority";
import { orthancSource, resetDatabase, testDb } from "../support/db";
import { freePort } from "../support/test-database";

const { DicomDict, DicomMetaDictionary } = dcmjs.data;
const EXPLICIT_LE = "1.2.840.10008.1.2.1";
const SAMPLES = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

// A valid chest radiograph (the pneumothorax model's input): every case below starts from it.
const base = generateStudy({ seed: 4242, kind: "chest-xr", size: 256, finding: "none", studyDateTime: new Date() });
const valid = base.instances[0]!;
const dataset = (): Dataset => {
  const { _meta, ...ds } = readPart10(valid);
  void _meta;
  return ds;
};

/** A dataset written as Part 10 by dcmjs, in `transferSyntax` (explicit VR little endian unless said). */
function write(ds: Dataset, transferSyntax = EXPLICIT_LE): Uint8Array {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds.SOPClassUID ?? "1.2.840.10008.5.1.4.1.1.1",
    MediaStorageSOPInstanceUID: ds.SOPInstanceUID ?? "2.25.1",
    TransferSyntaxUID: transferSyntax,
    ImplementationClassUID: "2.25.302478211958235401837453090218455470761",
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  return new Uint8Array(dict.write());
}
const withChanges = (changes: Dataset, transferSyntax?: string) => write({ ...dataset(), ...changes }, transferSyntax);
const pixels = (bytes: number) => [new Uint8Array(bytes).fill(7).buffer];
/** A real 8-bit, 3-sample colour image of the radiograph's size. */
const threeSamples = (photometric: string) =>
  withChanges({
    SamplesPerPixel: 3,
    PhotometricInterpretation: photometric,
    PlanarConfiguration: 0,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelData: pixels(256 * 256 * 3),
    _vrMap: { PixelData: "OB" },
  });
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** The byte offset of a tag's header in the file (little endian group, element). */
const tagOffset = (bytes: Uint8Array, group: number, element: number, from = 132) => {
  for (let i = from; i < bytes.length - 4; i++)
    if (
      bytes[i] === (group & 0xff) &&
      bytes[i + 1] === group >> 8 &&
      bytes[i + 2] === (element & 0xff) &&
      bytes[i + 3] === element >> 8
    )
      return i;
  throw new Error(`tag ${group.toString(16)},${element.toString(16)} not found`);
};
const patched = (edit: (b: Uint8Array, view: DataView) => void) => {
  const b = valid.slice();
  edit(b, new DataView(b.buffer));
  return b;
};
const pixelDataAt = tagOffset(valid, 0x7fe0, 0x0010);
const rowsAt = tagOffset(valid, 0x0028, 0x0010);
const sample = (name: string) => new Uint8Array(readFileSync(`${SAMPLES}/${name}`));

type Expect = { status: "FAILED" | "NOT_APPLICABLE" | "SCORED"; reason?: RegExp };
const failed = (reason: RegExp): Expect => ({ status: "FAILED", reason });
const notApplicable = (reason: RegExp): Expect => ({ status: "NOT_APPLICABLE", reason });
const UNREADABLE = /unreadable DICOM|cannot read the images/;

// [what, the instances the PACS sends, what the scorer must make of them]
const CASES: [string, () => Uint8Array[], Expect][] = [
  // Cut short anywhere: in the preamble, the meta header, the dataset, the pixels.
  ...[0, 50, 131, 140, 300, 1000].map((n): [string, () => Uint8Array[], Expect] => [
    `truncated to ${n} bytes`,
    () => [valid.slice(0, n)],
    failed(UNREADABLE),
  ]),
  ["truncated inside the pixel data's header", () => [valid.slice(0, pixelDataAt + 6)], failed(UNREADABLE)],
  [
    "truncated to half its pixels",
    () => [valid.slice(0, pixelDataAt + 12 + (valid.length - pixelDataAt - 12) / 2)],
    failed(UNREADABLE),
  ],
  ["missing its last byte", () => [valid.slice(0, valid.length - 1)], failed(UNREADABLE)],
  ["no preamble and no DICM", () => [valid.slice(132)], failed(UNREADABLE)],
  ["DICM misspelt", () => [patched((b) => (b[131] = 0x4e))], failed(UNREADABLE)],
  ["4 KB of random bytes", () => [Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)], failed(UNREADABLE)],
  ["an empty part", () => [new Uint8Array(0)], failed(UNREADABLE)],
  // Bytes after the dataset. Zero padding stops the header parser (named); garbage that parses as
  // elements does not, and the image before it is whole and wholly in the file: it is scored (the
  // pixels read are the file's own, which the length check above guarantees).
  [
    "1 KB of zero padding after the dataset",
    () => [concat(valid, new Uint8Array(1024))],
    failed(/ends in the middle of an element/),
  ],
  [
    "10 KB of garbage after the dataset",
    () => [
      concat(
        valid,
        Uint8Array.from({ length: 10_240 }, (_, i) => i % 256),
      ),
    ],
    { status: "SCORED" },
  ],
  // Lengths and VRs that lie.
  [
    "a pixel data length of 4 GB",
    () => [patched((_, v) => v.setUint32(pixelDataAt + 8, 0xfffffff0, true))],
    failed(UNREADABLE),
  ],
  [
    "a pixel data length one byte too long",
    () => [patched((_, v) => v.setUint32(pixelDataAt + 8, v.getUint32(pixelDataAt + 8, true) + 1, true))],
    failed(UNREADABLE),
  ],
  [
    "Rows' VR unknown (ZZ)",
    () => [patched((b) => ((b[rowsAt + 4] = 0x5a), (b[rowsAt + 5] = 0x5a)))],
    failed(UNREADABLE),
  ],
  ["Rows' length 0x7FFF", () => [patched((_, v) => v.setUint16(rowsAt + 6, 0x7fff, true))], failed(UNREADABLE)],
  // Absurd or missing geometry.
  ["Rows 0", () => [withChanges({ Rows: 0 })], failed(UNREADABLE)],
  ["Columns 0", () => [withChanges({ Columns: 0 })], failed(UNREADABLE)],
  ["65535 × 65535 with 256 × 256 pixels", () => [withChanges({ Rows: 65535, Columns: 65535 })], failed(UNREADABLE)],
  ["no Rows or Columns", () => [withChanges({ Rows: undefined, Columns: undefined })], failed(UNREADABLE)],
  ["BitsAllocated 7", () => [withChanges({ BitsAllocated: 7 })], failed(UNREADABLE)],
  [
    "BitsAllocated 32 over 16-bit pixels",
    () => [withChanges({ BitsAllocated: 32, BitsStored: 32, HighBit: 31 })],
    failed(UNREADABLE),
  ],
  ["BitsAllocated 1", () => [withChanges({ BitsAllocated: 1, BitsStored: 1, HighBit: 0 })], failed(UNREADABLE)],
  ["BitsStored 20 of 16 allocated", () => [withChanges({ BitsStored: 20, HighBit: 19 })], failed(UNREADABLE)],
  ["PixelRepresentation 2", () => [withChanges({ PixelRepresentation: 2 })], failed(UNREADABLE)],
  ["no PhotometricInterpretation", () => [withChanges({ PhotometricInterpretation: undefined })], failed(UNREADABLE)],
  [
    "PhotometricInterpretation MONOCHROME3",
    () => [withChanges({ PhotometricInterpretation: "MONOCHROME3" })],
    failed(UNREADABLE),
  ],
  // Colour, to a greyscale model that refuses it.
  [
    "RGB claimed over greyscale bytes",
    () => [withChanges({ SamplesPerPixel: 3, PhotometricInterpretation: "RGB", PlanarConfiguration: 0 })],
    notApplicable(/colour image/),
  ],
  ["a real 8-bit RGB image", () => [threeSamples("RGB")], notApplicable(/colour image/)],
  [
    "a palette colour image",
    () => [
      withChanges({
        PhotometricInterpretation: "PALETTE COLOR",
        BitsAllocated: 8,
        BitsStored: 8,
        HighBit: 7,
        PixelData: pixels(256 * 256),
        RedPaletteColorLookupTableDescriptor: [256, 0, 16],
        GreenPaletteColorLookupTableDescriptor: [256, 0, 16],
        BluePaletteColorLookupTableDescriptor: [256, 0, 16],
        RedPaletteColorLookupTableData: new Uint16Array(256).buffer,
        GreenPaletteColorLookupTableData: new Uint16Array(256).buffer,
        BluePaletteColorLookupTableData: new Uint16Array(256).buffer,
        _vrMap: { PixelData: "OB" },
      }),
    ],
    notApplicable(/colour image/),
  ],
  ["YBR_FULL, 3 samples", () => [threeSamples("YBR_FULL")], notApplicable(/colour image/)],
  // Frames that do not add up.
  ["NumberOfFrames 5 over one frame", () => [withChanges({ NumberOfFrames: 5 })], failed(UNREADABLE)],
  ["NumberOfFrames 0", () => [withChanges({ NumberOfFrames: 0 })], notApplicable(/image\(s\), fewer than/)],
  ["NumberOfFrames -3", () => [withChanges({ NumberOfFrames: -3 })], notApplicable(/image\(s\), fewer than/)],
  // Pixel data absent, empty or short.
  ["no pixel data", () => [withChanges({ PixelData: undefined })], failed(UNREADABLE)],
  [
    "zero-length pixel data",
    () => [withChanges({ PixelData: [new ArrayBuffer(0)], _vrMap: { PixelData: "OW" } })],
    failed(UNREADABLE),
  ],
  [
    "half the pixel data",
    () => [withChanges({ PixelData: pixels(256 * 128 * 2), _vrMap: { PixelData: "OW" } })],
    failed(UNREADABLE),
  ],
  [
    "pixel data of 3 bytes",
    () => [withChanges({ PixelData: pixels(3), _vrMap: { PixelData: "OB" } })],
    failed(UNREADABLE),
  ],
  [
    "float pixel data instead of pixel data",
    () => [
      withChanges({ PixelData: undefined, FloatPixelData: new Float32Array(256 * 256).buffer, BitsAllocated: 32 }),
    ],
    failed(UNREADABLE),
  ],
  // Transfer syntaxes that are wrong, unknown or not images.
  ["an unknown transfer syntax", () => [withChanges({}, "1.2.840.99999.1.2.3")], failed(UNREADABLE)],
  ["JPEG baseline declared over native pixels", () => [withChanges({}, "1.2.840.10008.1.2.4.50")], failed(UNREADABLE)],
  ["MPEG-2 video", () => [withChanges({}, "1.2.840.10008.1.2.4.100")], failed(UNREADABLE)],
  ["deflate declared, not deflated", () => [withChanges({}, "1.2.840.10008.1.2.1.99")], failed(UNREADABLE)],
  ["no transfer syntax in the meta header", () => [sample("meta_missing_tsyntax.dcm")], failed(UNREADABLE)],
  // Not images at all.
  [
    "a structured report (no pixels)",
    () => [
      withChanges({
        SOPClassUID: "1.2.840.10008.5.1.4.1.1.88.11",
        PixelData: undefined,
        Rows: undefined,
        Columns: undefined,
      }),
    ],
    failed(UNREADABLE),
  ],
  [
    "an encapsulated PDF",
    () => [
      withChanges({
        SOPClassUID: "1.2.840.10008.5.1.4.1.1.104.1",
        PixelData: undefined,
        Rows: undefined,
        Columns: undefined,
        EncapsulatedDocument: new Uint8Array(100).buffer,
        MIMETypeOfEncapsulatedDocument: "application/pdf",
      }),
    ],
    failed(UNREADABLE),
  ],
  ["pydicom's truncated MR", () => [sample("MR_truncated.dcm")], notApplicable(/modality \w+ is not CR\/DX/)],
  ["pydicom's truncated RT plan", () => [sample("rtplan_truncated.dcm")], failed(UNREADABLE)],
  ["pydicom's file with a bad VR", () => [sample("badVR.dcm")], notApplicable(/modality \w+ is not CR\/DX/)],
  ["pydicom's file with no meta header", () => [sample("no_meta.dcm")], failed(UNREADABLE)],
  ["pydicom's ECG waveform", () => [sample("waveform_ecg.dcm")], notApplicable(/modality \w+ is not CR\/DX/)],
  // Values the pipeline must not turn into NaN.
  ["RescaleSlope 0", () => [withChanges({ RescaleSlope: 0, RescaleIntercept: 0 })], failed(UNREADABLE)],
  ["RescaleSlope 1e308", () => [withChanges({ RescaleSlope: 1e308 })], failed(UNREADABLE)],
  // A series that is not what its listing said.
  [
    "the file says CT HEAD, not a chest radiograph",
    () => [withChanges({ Modality: "CT", BodyPartExamined: "HEAD" })],
    notApplicable(/modalit|body part/i),
  ],
  [
    "the file says it is a localizer",
    () => [withChanges({ ImageType: ["ORIGINAL", "PRIMARY", "LOCALIZER"] })],
    notApplicable(/LOCALIZER/),
  ],
  ["one good image and one truncated", () => [valid, valid.slice(0, 2000)], failed(UNREADABLE)],
];

// A raw JavaScript error in a reason means nobody named the problem.
const RAW_ERROR =
  /undefined|null|TypeError|RangeError|is not a function|NaN|out of bounds|Offset is outside|Cannot read prop/;

let server: Server;
let sourceId = "";
const served = new Map<string, Uint8Array[]>();
let registry: ModelRegistry;

beforeAll(async () => {
  await resetDatabase();
  // A PACS that answers each study's series retrieve with that case's instances, as WADO-RS does.
  server = createServer((req, res) => {
    const match = /\/studies\/([^/]+)\/series\/[^/?]+$/.exec((req.url ?? "").split("?")[0]!);
    const parts = match ? served.get(decodeURIComponent(match[1]!)) : undefined;
    if (!parts) return void res.writeHead(404).end();
    const boundary = "readnext-fuzz-boundary";
    res.writeHead(200, { "Content-Type": `multipart/related; type="application/dicom"; boundary=${boundary}` });
    for (const p of parts)
      res.write(
        concat(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), p, Buffer.from("\r\n")),
      );
    res.end(`--${boundary}--\r\n`);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  sourceId = (
    await createSource(
      testDb(),
      null,
      orthancSource("Garbage PACS", `http://127.0.0.1:${port}/dicom-web`, { enabled: false, capabilities: {} }),
    )
  ).id;
  registry = await ModelRegistry.load("models", { threads: 1, executionProvider: "cpu" });
  await registry.record(testDb());
  await registry.refreshActive(testDb());
}, 120_000);

afterAll(async () => {
  await registry?.release();
  await new Promise((r) => server?.close(r));
});

describe("malformed DICOM through the scoring path", () => {
  it("has at least 50 cases", () => expect(CASES.length).toBeGreaterThanOrEqual(50));

  it("the valid radiograph itself is scored (the cases differ from it only as named)", async () => {
    expect(await scoreCase("valid", [valid])).toMatchObject({ status: "SCORED" });
  }, 60_000);

  for (const [what, instances, expected] of CASES) {
    it(`${what}: ${expected.status === "SCORED" ? "scored" : `${expected.status}, named`}, the study still listed`, async () => {
      const outcome = await scoreCase(what, instances());
      expect(outcome.status, outcome.reason ?? "").toBe(expected.status);
      if (expected.reason) expect(outcome.reason).toMatch(expected.reason);
      if (expected.status !== "SCORED") expect(outcome.reason).not.toMatch(RAW_ERROR);
    }, 60_000);
  }
});

let n = 0;
/** Lists a STAT ED study whose one chest series the garbage PACS answers with `instances`, scores it, returns its result. */
async function scoreCase(what: string, instances: Uint8Array[]) {
  const db = testDb();
  const uid = `2.25.4242${++n}`;
  served.set(uid, instances);
  const study = await db.study.create({
    data: {
      sourceId,
      studyInstanceUid: uid,
      accessionNumber: `FUZZ${n}`,
      modalities: ["CR"],
      bodyPart: "CHEST",
      orderPriority: "STAT",
      patientLocation: "ED",
      series: {
        create: {
          seriesInstanceUid: `${uid}.1`,
          modality: "CR",
          bodyPart: "CHEST",
          numberOfInstances: instances.length,
        },
      },
    },
  });
  await refreshPriorities(db, [study.id]);
  const deps = { db, registry, adapters: new AdapterCache(db) };
  const model = registry.loaded.find((m) => m.manifest.id === "ptx-cxr")!;
  const outcome = await scoreStudy(deps, {
    studyId: study.id,
    revision: study.revision,
    modelId: model.manifest.id,
    modelVersion: model.manifest.version,
    expectedModels: 1,
  });
  expect(outcome.outcome, what).toBe("stored");
  const after = await db.study.findUniqueOrThrow({
    where: { id: study.id },
    include: { aiResults: true },
  });
  // Listed as if no AI ran: STAT from the ED is due 30 minutes after arrival (the default SLA table), unpinned.
  expect(after.readingState).toBe("UNREAD");
  if (after.aiResults[0]!.status !== "SCORED") {
    expect(after.dueAt!.getTime() - after.firstSeenAt.getTime()).toBe(30 * 60_000);
    expect(after.pinnedAt).toBeNull();
    expect(after.aiStatus).toBe(after.aiResults[0]!.status === "FAILED" ? "unavailable" : "not_applicable");
  }
  return { status: after.aiResults[0]!.status, reason: after.aiResults[0]!.reason };
}

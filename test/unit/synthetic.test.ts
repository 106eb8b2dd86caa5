import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateStudy } from "@/lib/synthetic/studies";
import { readPart10 } from "@/lib/dicom/part10";
import { planDemoStudies } from "@/lib/synthetic/demo-day";
import { Random } from "@/lib/random";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const hu = (bytes: Uint8Array) => {
  const ds = readPart10(bytes);
  const stored = new Int16Array((ds.PixelData as ArrayBuffer[])[0]!);
  return Array.from(stored, (v) => v * (ds.RescaleSlope as number) + (ds.RescaleIntercept as number));
};

describe("synthetic studies", () => {
  it("are deterministic for a seed and differ between seeds", () => {
    const a = generateStudy({ seed: 42, kind: "chest-xr", size: 256, studyDateTime: new Date(2026, 0, 1) });
    const b = generateStudy({ seed: 42, kind: "chest-xr", size: 256, studyDateTime: new Date(2026, 0, 1) });
    const c = generateStudy({ seed: 43, kind: "chest-xr", size: 256, studyDateTime: new Date(2026, 0, 1) });
    expect(a.instances.map(sha)).toEqual(b.instances.map(sha));
    expect(a.studyInstanceUid).not.toBe(c.studyInstanceUid);
  });

  it("a head CT has the requested slices of int16 HU, a localizer, and realistic tags", () => {
    const s = generateStudy({
      seed: 1,
      kind: "head-ct",
      finding: "none",
      sliceCount: 24,
      size: 128,
      priority: "STAT",
      location: "ED",
    });
    expect(s.instances).toHaveLength(25);
    const ds = readPart10(s.instances[5]!);
    expect(ds).toMatchObject({
      Modality: "CT",
      BodyPartExamined: "HEAD",
      Rows: 128,
      Columns: 128,
      BitsAllocated: 16,
      PixelRepresentation: 1,
      RescaleIntercept: -1024,
      RequestedProcedurePriority: "STAT",
      CurrentPatientLocation: "ED",
    });
    expect((ds._meta as Record<string, unknown>).TransferSyntaxUID).toBe("1.2.840.10008.1.2.1");
    expect(readPart10(s.instances[0]!).ImageType as string[]).toContain("LOCALIZER");
    const values = hu(s.instances[12]!);
    expect(Math.min(...values)).toBeLessThan(-900); // air
    expect(Math.max(...values)).toBeGreaterThan(700); // bone
    expect(s.positiveSlices).toEqual([]);
  });

  it.each(["ich-intraparenchymal", "ich-subdural", "ich-epidural"] as const)(
    "a %s bleed puts 50–90 HU voxels on its slices only",
    (finding) => {
      const s = generateStudy({ seed: 11, kind: "head-ct", finding, sliceCount: 24, size: 256, withLocalizer: false });
      expect(s.finding).toBe(finding);
      expect(s.positiveSlices.length).toBeGreaterThan(1);
      const negative = generateStudy({
        seed: 11,
        kind: "head-ct",
        finding: "none",
        sliceCount: 24,
        size: 256,
        withLocalizer: false,
      });
      const z = s.positiveSlices[Math.floor(s.positiveSlices.length / 2)]!;
      const bright = (values: number[]) => values.filter((v) => v >= 50 && v <= 100).length;
      // Brain tissue stays below ~50 HU; the bleed adds a clear cluster of brighter voxels.
      expect(bright(hu(s.instances[z]!))).toBeGreaterThan(bright(hu(negative.instances[z]!)) + 100);
    },
  );

  it("a chest radiograph is MONOCHROME2 with the requested bit depth, a pneumothorax darkens an apex", () => {
    const s = generateStudy({ seed: 5, kind: "chest-xr", finding: "pneumothorax", size: 256, bitsStored: 14 });
    const ds = readPart10(s.instances[0]!);
    expect(ds).toMatchObject({
      BodyPartExamined: "CHEST",
      PhotometricInterpretation: "MONOCHROME2",
      BitsStored: 14,
      HighBit: 13,
      PixelRepresentation: 0,
    });
    const px = new Uint16Array((ds.PixelData as ArrayBuffer[])[0]!);
    expect(Math.max(...px)).toBeLessThan(2 ** 14);
    expect(s.finding).toBe("pneumothorax");
  });

  it("leaves priority and location out when told to", () => {
    const ds = readPart10(generateStudy({ seed: 2, kind: "other", priority: null, location: null }).instances[0]!);
    expect(ds.RequestedProcedurePriority).toBeUndefined();
    expect(ds.CurrentPatientLocation).toBeUndefined();
  });

  it("a demo day has a realistic, deterministic mix", () => {
    const now = new Date(2026, 10, 28, 12);
    const plan = planDemoStudies(7, 200, now);
    expect(planDemoStudies(7, 200, now)).toEqual(plan);
    const kinds = plan.reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.kind]: (acc[p.kind] ?? 0) + 1 }), {});
    expect(kinds["head-ct"]).toBeGreaterThan(10);
    expect(kinds["chest-xr"]).toBeGreaterThan(40);
    expect(plan.filter((p) => p.finding === "positive").length).toBeGreaterThan(0);
    // Critical findings in a few percent of studies, as departments see (issue 16), not half the list.
    for (const [seed, count] of [
      [8, 4000],
      [20261128, 40],
      [9, 40],
      [10, 200],
    ]) {
      const some = planDemoStudies(seed!, count!, now);
      const positives = some.filter((p) => p.finding === "positive");
      expect(positives.length).toBeGreaterThan(0);
      expect(positives.length / count!).toBeLessThan(0.06);
      expect(positives.every((p) => p.kind === "head-ct" || p.kind === "chest-xr")).toBe(true);
    }
    // The trickle's single studies are drawn: about 3% positive over many.
    const drawn = Array.from({ length: 4000 }, (_, i) => planDemoStudies(i, 1, now)[0]!);
    const share = drawn.filter((p) => p.finding === "positive").length / drawn.length;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.06);
    expect(plan.some((p) => p.priority === null)).toBe(true);
    expect(plan.every((p) => p.studyDateTime! <= now)).toBe(true);
  });

  it("UIDs are valid DICOM UIDs", () => {
    const rng = new Random(3);
    for (let i = 0; i < 100; i++) expect(rng.uid()).toMatch(/^2\.25\.(0|[1-9]\d*)$/);
  });
});

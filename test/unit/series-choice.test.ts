import { describe, expect, it } from "vitest";
import { candidateSeries, type ListedSeries } from "@/lib/models/series-choice";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import ichManifest from "@/models/ich-headct/manifest.json";

function manifest(series: Record<string, unknown>): ModelManifest {
  const r = validateManifest({
    ...ichManifest,
    series: {
      modalities: ["CT"],
      bodyParts: ["HEAD"],
      sliceThicknessMm: { min: 0.5, max: 10 },
      minInstances: 12,
      ...series,
    },
  });
  if (!r.ok) throw new Error(r.problems.join("; "));
  return r.manifest;
}
const listed = (
  name: string,
  instances: number,
  thickness: number | null,
  imageType: string[] = ["ORIGINAL", "PRIMARY", "AXIAL"],
): ListedSeries & { name: string } => ({
  name,
  modality: "CT",
  bodyPart: "HEAD",
  description: name,
  numberOfInstances: instances,
  sliceThicknessMm: thickness,
  imageType,
});
const names = (m: ModelManifest, series: ReturnType<typeof listed>[]) => candidateSeries(m, series).map((s) => s.name);

describe("choosing the series a model scores", () => {
  const thin = listed("thin 0.625", 320, 0.625);
  const thick = listed("axial 5", 32, 5);
  const mid = listed("axial 2.5", 64, 2.5);
  const unknown = listed("unlisted thickness", 400, null);
  const scout = listed("scout", 1, null, ["ORIGINAL", "PRIMARY", "LOCALIZER"]);
  const tooThick = listed("10.5 mm", 16, 10.5);

  it("prefers the thickness the model was trained on, then the nearest, those of unknown thickness last", () => {
    const m = manifest({ preferSliceThicknessMm: 5 });
    expect(names(m, [thin, unknown, mid, thick])).toEqual(["axial 5", "axial 2.5", "thin 0.625", "unlisted thickness"]);
  });

  it("without a preference, or between equally near series, takes the one with the most images", () => {
    expect(names(manifest({}), [thick, thin, unknown, mid])).toEqual([
      "unlisted thickness",
      "thin 0.625",
      "axial 2.5",
      "axial 5",
    ]);
    const sharp = listed("axial 5 bone", 40, 5);
    const six = listed("axial 6", 30, 6);
    const four = listed("axial 4", 50, 4);
    expect(names(manifest({ preferSliceThicknessMm: 5 }), [thick, six, sharp, four])).toEqual([
      "axial 5 bone",
      "axial 5",
      "axial 4",
      "axial 6",
    ]);
  });

  it("drops what the listing already rules out: localizers, thickness out of range, too few images, other kinds", () => {
    const m = manifest({ preferSliceThicknessMm: 5 });
    const chest = { ...listed("chest", 200, 5), bodyPart: "CHEST" };
    expect(names(m, [scout, tooThick, listed("short", 8, 5), chest, thick])).toEqual(["axial 5"]);
    expect(names(m, [scout])).toEqual([]);
  });

  it("the shipped head CT model prefers 5 mm", () => {
    const r = validateManifest(ichManifest);
    expect(r.ok && r.manifest.series.preferSliceThicknessMm).toBe(5);
  });
});

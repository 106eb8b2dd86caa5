import { describe, expect, it } from "vitest";
import { decode } from "fast-png";
import { summariseResults, type ModelResult } from "@/lib/models/study-verdict";
import { slicePreviewPng } from "@/lib/models/preview";

const r = (o: Partial<ModelResult>): ModelResult => ({
  status: "SCORED",
  modelId: "ich-headct",
  modelVersion: "1.0.0",
  finding: "intracranial-bleed",
  probability: 0.1,
  critical: false,
  urgent: false,
  reason: null,
  ...o,
});

describe("summariseResults: one study, several models", () => {
  it.each([
    ["nothing yet", [], 1, null],
    ["one negative of one", [r({})], 1, { aiStatus: "negative", aiProbability: 0.1 }],
    ["one negative of two: wait for the other", [r({})], 2, null],
    [
      "a critical speaks at once, even with another model pending",
      [r({ modelId: "ptx-cxr", finding: "pneumothorax", probability: 0.9, critical: true })],
      2,
      { aiStatus: "critical", aiModelId: "ptx-cxr", aiFinding: "pneumothorax" },
    ],
    [
      "critical beats a more probable urgent",
      [r({ probability: 0.45, urgent: true, modelId: "a" }), r({ probability: 0.6, critical: true, modelId: "b" })],
      2,
      { aiStatus: "critical", aiModelId: "b" },
    ],
    [
      "the most probable of two criticals",
      [r({ probability: 0.7, critical: true, modelId: "a" }), r({ probability: 0.95, critical: true, modelId: "b" })],
      2,
      { aiStatus: "critical", aiModelId: "b", aiProbability: 0.95 },
    ],
    ["urgent", [r({ probability: 0.4, urgent: true })], 1, { aiStatus: "urgent" }],
    [
      "failed alone: unavailable with its reason",
      [r({ status: "FAILED", probability: null, reason: "PACS timed out" })],
      1,
      { aiStatus: "unavailable", aiReason: "PACS timed out" },
    ],
    [
      "a failure next to a negative: negative, the failure noted",
      [r({ status: "FAILED", probability: null, modelId: "a", reason: "boom" }), r({ modelId: "b" })],
      2,
      { aiStatus: "negative", aiModelId: "b", aiReason: "a: boom" },
    ],
    [
      "not applicable",
      [r({ status: "NOT_APPLICABLE", probability: null, reason: "too few slices" })],
      1,
      { aiStatus: "not_applicable", aiReason: "ich-headct: too few slices" },
    ],
    [
      "not applicable and failed: unavailable",
      [
        r({ status: "NOT_APPLICABLE", probability: null, modelId: "a", reason: "x" }),
        r({ status: "FAILED", probability: null, modelId: "b", reason: "y" }),
      ],
      2,
      { aiStatus: "unavailable", aiReason: "b: y" },
    ],
  ] as const)("%s", (_name, results, expected, want) => {
    const verdict = summariseResults([...results], expected);
    if (want === null) expect(verdict).toBeNull();
    else expect(verdict).toMatchObject(want);
  });
});

describe("slicePreviewPng", () => {
  it("windows, scales to at most 256 px keeping the aspect, and encodes 8-bit grey", () => {
    const rows = 512;
    const columns = 384;
    const values = new Float32Array(rows * columns);
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < columns; x++) values[y * columns + x] = x < columns / 2 ? -1000 : 80;
    const png = decode(slicePreviewPng(values, rows, columns, { center: 40, width: 80 }));
    expect([png.width, png.height, png.channels, png.depth]).toEqual([192, 256, 1, 8]);
    expect(png.data[10]).toBe(0);
    expect(png.data[191]).toBe(255);
  });
  it("min-max scales when the model has no window", () => {
    const png = decode(slicePreviewPng(Float32Array.from([0, 1000, 2000, 4000]), 2, 2, null));
    expect([...png.data]).toEqual([0, 64, 128, 255]);
  });
});

import { describe, expect, it } from "vitest";
import { hoursSpan, spanHours } from "@/lib/sim/hours";

describe("reader hours as a span", () => {
  it("turns a span into hours, running past midnight when the end is not after the start", () => {
    expect(spanHours(8, 18)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(spanHours(22, 6)).toEqual([22, 23, 0, 1, 2, 3, 4, 5]);
    expect(spanHours(0, 24)).toHaveLength(24);
    expect(spanHours(23, 24)).toEqual([23]);
  });
  it("reads hours back as the span", () => {
    expect(hoursSpan([8, 9, 10, 11, 12, 13, 14, 15, 16, 17])).toEqual({ from: 8, to: 18 });
    expect(hoursSpan([22, 23, 0, 1, 2, 3, 4, 5])).toEqual({ from: 22, to: 6 });
    expect(hoursSpan(undefined)).toEqual({ from: 0, to: 24 });
    expect(hoursSpan([23])).toEqual({ from: 23, to: 24 });
  });
});

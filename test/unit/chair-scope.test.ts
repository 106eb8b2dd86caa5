import { describe, expect, it } from "vitest";
import {
  addDays,
  chairScopeSchema,
  dayNumber,
  localDay,
  matchingPreset,
  presetRange,
  rangeDays,
  weekdayCounts,
} from "@/lib/chair-scope";

describe("the chair's date range", () => {
  it("knows calendar dates, and refuses ones that are not", () => {
    expect(dayNumber("1970-01-02")).toBe(1);
    expect(dayNumber("2024-02-29")).not.toBeNull();
    expect(dayNumber("2026-02-29")).toBeNull();
    expect(dayNumber("2026-13-01")).toBeNull();
    expect(dayNumber("2026-1-01")).toBeNull();
    // Date.UTC reads years 0–99 as 1900–1999: such a date does not round-trip.
    expect(dayNumber("0099-01-01")).toBeNull();
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(rangeDays("2026-11-01", "2026-11-30")).toBe(30);
    expect(rangeDays("2026-11-01", "2026-11-01")).toBe(1);
  });

  it("accepts a one-day range, and reports a bad end date as such, not as a range too long", () => {
    expect(chairScopeSchema.safeParse({ from: "2026-11-01", to: "2026-11-01" }).success).toBe(true);
    const bad = chairScopeSchema.safeParse({ from: "2026-01-01", to: "2026-02-30" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.message)).toEqual(["not a calendar date"]);
  });

  it("takes today from the department's clock, not the server's", () => {
    // 03:30 UTC on 3 December is still 2 December in New York (22:30 EST) and already 3 December in Tokyo.
    const t = new Date("2026-12-03T03:30:00Z");
    expect(localDay(t, "America/New_York")).toBe("2026-12-02");
    expect(localDay(t, "Asia/Tokyo")).toBe("2026-12-03");
    expect(localDay(t, "UTC")).toBe("2026-12-03");
  });

  it("turns presets into days counted back from today, today included", () => {
    const today = "2026-03-15";
    expect(presetRange("today", today)).toEqual({ from: "2026-03-15", to: "2026-03-15" });
    expect(presetRange("yesterday", today)).toEqual({ from: "2026-03-14", to: "2026-03-14" });
    expect(presetRange("last7", today)).toEqual({ from: "2026-03-09", to: "2026-03-15" });
    expect(presetRange("last28", today)).toEqual({ from: "2026-02-16", to: "2026-03-15" });
    expect(presetRange("thisMonth", today)).toEqual({ from: "2026-03-01", to: "2026-03-15" });
    expect(presetRange("lastMonth", today)).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(presetRange("lastMonth", "2024-03-31")).toEqual({ from: "2024-02-01", to: "2024-02-29" });
    expect(presetRange("lastMonth", "2026-01-10")).toEqual({ from: "2025-12-01", to: "2025-12-31" });
    expect(presetRange("last365", today)).toEqual({ from: "2025-03-16", to: "2026-03-15" });
    expect(matchingPreset({ from: "2026-03-09", to: "2026-03-15" }, today)).toBe("last7");
    expect(matchingPreset({ from: "2026-03-09", to: "2026-03-14" }, today)).toBeNull();
  });

  it("counts each weekday in a range, for the heat map's average day", () => {
    // 30 November 2026 is a Monday.
    expect(weekdayCounts("2026-11-30", "2026-12-06")).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1 });
    expect(weekdayCounts("2026-11-30", "2026-12-08")).toEqual({ 1: 2, 2: 2, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1 });
    // 1 January 1970 was a Thursday.
    expect(weekdayCounts("1970-01-01", "1970-01-01")).toEqual({ 1: 0, 2: 0, 3: 0, 4: 1, 5: 0, 6: 0, 7: 0 });
    expect(weekdayCounts("1969-12-29", "1969-12-29")[1]).toBe(1);
  });

  it("accepts a range of up to 366 days with known filters, and says what is wrong otherwise", () => {
    const ok = chairScopeSchema.parse({ from: "2024-01-01", to: "2024-12-31" });
    expect(ok.filters).toEqual({ modalities: [], priorities: [], locations: [], sources: [], groups: [] });
    const fail = (v: unknown) => {
      const r = chairScopeSchema.safeParse(v);
      return r.success ? null : r.error.issues.map((i) => i.message).join("; ");
    };
    expect(fail({ from: "2026-03-02", to: "2026-03-01" })).toBe("the range ends before it starts");
    expect(fail({ from: "2024-01-01", to: "2025-01-01" })).toBe("a range of at most 366 days");
    expect(fail({ from: "2026-02-30", to: "2026-03-01" })).toBe("not a calendar date");
    expect(fail({ from: "yesterday", to: "2026-03-01" })).toContain("YYYY-MM-DD");
    expect(fail({ from: "2026-03-01", to: "2026-03-01", filters: { priorities: ["URGENT"] } })).not.toBeNull();
    expect(fail({ from: "2026-03-01", to: "2026-03-01", filters: { locations: ["ED", "ER"] } })).not.toBeNull();
  });
});

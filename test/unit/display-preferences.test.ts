import { describe, expect, it } from "vitest";
import { displayPreferencesSchema, readDisplayPreferences } from "@/lib/display-preferences";

describe("readDisplayPreferences", () => {
  it("keeps known values and replaces each unknown one by its default", () => {
    expect(readDisplayPreferences({ theme: "dark", density: "compact" })).toEqual({
      theme: "dark",
      density: "compact",
    });
    expect(readDisplayPreferences({ theme: "light", density: "huge" })).toEqual({
      theme: "light",
      density: "comfortable",
    });
    expect(readDisplayPreferences({ theme: "DARK", density: "compact" })).toEqual({
      theme: "system",
      density: "compact",
    });
    expect(readDisplayPreferences(null)).toEqual({ theme: "system", density: "comfortable" });
    expect(readDisplayPreferences("dark")).toEqual({ theme: "system", density: "comfortable" });
  });

  it("saving takes only the exact values", () => {
    expect(displayPreferencesSchema.safeParse({ theme: "dark", density: "compact" }).success).toBe(true);
    expect(displayPreferencesSchema.safeParse({ theme: "dim", density: "compact" }).success).toBe(false);
    expect(displayPreferencesSchema.safeParse({ theme: "dark" }).success).toBe(false);
  });
});

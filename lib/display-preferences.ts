import { z } from "zod";

/** "system" follows the operating system's light or dark setting. */
export const THEMES = ["system", "light", "dark"] as const;
/** "compact" fits at least 25 worklist rows on a 1440×900 screen. */
export const DENSITIES = ["comfortable", "compact"] as const;

export const displayPreferencesSchema = z.object({
  theme: z.enum(THEMES),
  density: z.enum(DENSITIES),
});
export type DisplayPreferences = z.infer<typeof displayPreferencesSchema>;
export type Theme = DisplayPreferences["theme"];
export type Density = DisplayPreferences["density"];

export const DEFAULT_DISPLAY: DisplayPreferences = { theme: "system", density: "comfortable" };

/** What is stored, read leniently: a missing or unknown value falls back to its default, one field at a time. */
export function readDisplayPreferences(stored: unknown): DisplayPreferences {
  const o = typeof stored === "object" && stored !== null ? (stored as Record<string, unknown>) : {};
  const theme = THEMES.find((t) => t === o.theme) ?? DEFAULT_DISPLAY.theme;
  const density = DENSITIES.find((d) => d === o.density) ?? DEFAULT_DISPLAY.density;
  return { theme, density };
}

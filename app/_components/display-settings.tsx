"use client";
import { createContext, useContext, useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "../trpc";
import { DENSITIES, THEMES, type DisplayPreferences } from "@/lib/display-preferences";

const DisplayContext = createContext<DisplayPreferences>({ theme: "system", density: "comfortable" });

/** The user's display preferences as the server rendered them, updated in place when they change them. */
export function useDisplay(): DisplayPreferences {
  return useContext(DisplayContext);
}

const SetDisplayContext = createContext<(next: DisplayPreferences) => void>(() => {});

export function DisplayProvider({ initial, children }: { initial: DisplayPreferences; children: React.ReactNode }) {
  const trpc = useTRPC();
  const [display, setDisplay] = useState(initial);
  const save = useMutation(trpc.me.saveDisplay.mutationOptions());
  const change = (next: DisplayPreferences) => {
    setDisplay(next);
    // <html> carries the choice (globals.css reads data-theme); set it now rather than after a reload.
    document.documentElement.dataset.theme = next.theme;
    document.documentElement.dataset.density = next.density;
    save.mutate(next);
  };
  return (
    <DisplayContext.Provider value={display}>
      <SetDisplayContext.Provider value={change}>{children}</SetDisplayContext.Provider>
    </DisplayContext.Provider>
  );
}

const THEME_LABELS: Record<DisplayPreferences["theme"], string> = {
  system: "System",
  light: "Light",
  dark: "Dark",
};
const DENSITY_LABELS: Record<DisplayPreferences["density"], string> = {
  comfortable: "Comfortable rows",
  compact: "Compact rows",
};

/**
 * Theme and (for readers, whose list it changes) row density, in the header of every page; kept on the
 * user, so they follow them to any station.
 */
export function DisplayMenu({ density = true }: { density?: boolean }) {
  const display = useDisplay();
  const change = useContext(SetDisplayContext);
  return (
    <div className="flex items-center gap-2 text-xs">
      <label className="flex items-center gap-1">
        <span className="text-slate-600">Theme</span>
        <select
          value={display.theme}
          onChange={(e) => change({ ...display, theme: e.target.value as DisplayPreferences["theme"] })}
          className="rounded border border-slate-300 bg-white px-1 py-1"
        >
          {THEMES.map((t) => (
            <option key={t} value={t}>
              {THEME_LABELS[t]}
            </option>
          ))}
        </select>
      </label>
      {density && (
        <label className="flex items-center gap-1">
          <span className="sr-only">Row density</span>
          <select
            value={display.density}
            onChange={(e) => change({ ...display, density: e.target.value as DisplayPreferences["density"] })}
            className="rounded border border-slate-300 bg-white px-1 py-1"
          >
            {DENSITIES.map((d) => (
              <option key={d} value={d}>
                {DENSITY_LABELS[d]}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}

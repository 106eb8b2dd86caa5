// Chart colours as the theme's CSS variables, so recharts' SVG follows light and dark like the rest
// of the page (globals.css). Axis text, grid and tooltip default to fixed greys and white otherwise.
export const chartColour = (name: string) => `var(--color-${name})`;

export const axisTick = { fontSize: 11, fill: chartColour("slate-600") };
export const gridStroke = chartColour("slate-200");
export const tooltipStyle = {
  contentStyle: { backgroundColor: chartColour("white"), borderColor: chartColour("slate-300") },
  labelStyle: { color: chartColour("slate-900") },
} as const;
/** Line patterns, so series differ by more than colour (WCAG 1.4.1): solid, dashed, dotted, … */
export const DASHES = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4"] as const;

/** How long open studies have waited since arrival: the scheduler's tiles and cross-tab share these. */
export const BACKLOG_AGE_BUCKETS = [
  { label: "< 1 h", maxMinutes: 60 },
  { label: "1–4 h", maxMinutes: 240 },
  { label: "4–24 h", maxMinutes: 1440 },
  { label: "> 24 h", maxMinutes: Infinity },
] as const;

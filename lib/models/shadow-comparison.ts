/** One study revision scored by both the live version and a shadow version of a model. */
export type PairedResult = {
  studyId: string;
  liveProbability: number | null;
  liveCritical: boolean;
  liveUrgent: boolean;
  shadowProbability: number | null;
  shadowCritical: boolean;
  shadowUrgent: boolean;
};

export type FlagClass = "critical" | "urgent" | "negative";

const flagClass = (critical: boolean, urgent: boolean): FlagClass =>
  critical ? "critical" : urgent ? "urgent" : "negative";

/**
 * How far a shadow version agrees with the live one: two results agree when they put the
 * study in the same class (critical, urgent or negative), which is what moves the worklist.
 * Disagreements come most different first (largest gap in probability).
 */
export function compareShadowResults(rows: PairedResult[], maxDisagreements = 50) {
  let agree = 0;
  let liveFlags = 0;
  let shadowFlags = 0;
  const disagreements: {
    studyId: string;
    live: FlagClass;
    shadow: FlagClass;
    liveProbability: number | null;
    shadowProbability: number | null;
  }[] = [];
  for (const r of rows) {
    const live = flagClass(r.liveCritical, r.liveUrgent);
    const shadow = flagClass(r.shadowCritical, r.shadowUrgent);
    if (live !== "negative") liveFlags++;
    if (shadow !== "negative") shadowFlags++;
    if (live === shadow) agree++;
    else
      disagreements.push({
        studyId: r.studyId,
        live,
        shadow,
        liveProbability: r.liveProbability,
        shadowProbability: r.shadowProbability,
      });
  }
  const gap = (d: (typeof disagreements)[number]) => Math.abs((d.liveProbability ?? 0) - (d.shadowProbability ?? 0));
  disagreements.sort((a, b) => gap(b) - gap(a));
  const n = rows.length;
  return {
    studies: n,
    agreement: n === 0 ? null : agree / n,
    liveFlagRate: n === 0 ? null : liveFlags / n,
    shadowFlagRate: n === 0 ? null : shadowFlags / n,
    disagreeing: n - agree,
    disagreements: disagreements.slice(0, maxDisagreements),
  };
}

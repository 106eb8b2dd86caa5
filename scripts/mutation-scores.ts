/** Mutation scores per folder from a Stryker JSON report (mutation-testing-report-schema). */
export type MutationReport = {
  files: Record<string, { mutants: { status: string }[] }>;
  thresholds?: { break?: number | null };
};

export type AreaScore = {
  area: string;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Stryker's score: detected (killed, timed out) over detected and undetected (survived, no coverage). */
  score: number | null;
};

/** A file's area: its folder under lib/ or server/ (lib/priority, server/worklist), or lib itself. */
export function areaOf(file: string): string {
  const parts = file.replaceAll("\\", "/").split("/");
  return parts.length > 2 ? parts.slice(0, 2).join("/") : parts[0]!;
}

function scored(area: string, counts: Omit<AreaScore, "area" | "score">): AreaScore {
  const detected = counts.killed + counts.timeout;
  const all = detected + counts.survived + counts.noCoverage;
  return { area, ...counts, score: all === 0 ? null : (100 * detected) / all };
}

export function areaScores(report: MutationReport): { rows: AreaScore[]; total: AreaScore } {
  const byArea = new Map<string, Omit<AreaScore, "area" | "score">>();
  const total = { killed: 0, timeout: 0, survived: 0, noCoverage: 0 };
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const counts = byArea.get(areaOf(file)) ?? { killed: 0, timeout: 0, survived: 0, noCoverage: 0 };
    for (const { status } of mutants) {
      const key =
        status === "Killed"
          ? "killed"
          : status === "Timeout"
            ? "timeout"
            : status === "Survived"
              ? "survived"
              : status === "NoCoverage"
                ? "noCoverage"
                : null; // compile and runtime errors, ignored mutants: not counted, as Stryker does
      if (key) {
        counts[key]++;
        total[key]++;
      }
    }
    byArea.set(areaOf(file), counts);
  }
  const rows = [...byArea.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([area, c]) => scored(area, c));
  return { rows, total: scored("all", total) };
}

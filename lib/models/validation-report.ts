import type { GroupFigures, OperatingPoint, ValidationFigures } from "./validation-metrics";

export type ValidationForReport = {
  modelId: string;
  modelVersion: string;
  labelsName: string;
  threshold: number;
  finishedAt: Date | string | null;
  summary:
    | (ValidationFigures & {
        rows: { total: number; scored: number; notApplicable: number; failed: number; invalid: number };
        msPerStudy: { median: number; p95: number } | null;
      })
    | null;
  problems: { line: number; studyKey: string; status: string; reason: string | null }[];
};

const pct = (v: number | null) => (v === null ? "–" : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, digits = 3) => (v === null ? "–" : v.toFixed(digits));

function aucText(g: GroupFigures): string {
  if (g.auc === null) return "AUC – (needs positives and negatives)";
  const ci = g.aucInterval ? ` (95% CI ${num(g.aucInterval.low)}–${num(g.aucInterval.high)})` : "";
  return `AUC ${num(g.auc)}${ci}`;
}

function pointText(p: OperatingPoint): string {
  return `sensitivity ${pct(p.sensitivity)} (${p.truePositive}/${p.truePositive + p.falseNegative}), specificity ${pct(p.specificity)} (${p.trueNegative}/${p.trueNegative + p.falsePositive})`;
}

/**
 * A local validation in words, as Markdown: what the CLI prints and the model card shows
 * under "Local validation", next to the manifest's own claims.
 */
export function validationReport(run: ValidationForReport): string {
  const s = run.summary;
  const lines = [`## Local validation: ${run.modelId} ${run.modelVersion}`, ""];
  lines.push(
    `Labels: ${run.labelsName}${run.finishedAt ? ` · finished ${new Date(run.finishedAt).toISOString().slice(0, 16).replace("T", " ")} UTC` : ""}`,
  );
  if (!s) return [...lines, "", "Not finished yet."].join("\n");
  lines.push(
    `Rows: ${s.rows.total} · scored ${s.rows.scored} · not applicable ${s.rows.notApplicable} · failed ${s.rows.failed} · invalid ${s.rows.invalid}`,
    "",
    `- ${aucText(s)} on ${s.cases} studies (${s.positives} positive)`,
    `- At the critical threshold ${run.threshold}: ${pointText(s.atThreshold)}`,
  );
  if (s.forTargetSensitivity)
    lines.push(
      `- For sensitivity ≥ ${pct(s.targetSensitivity)}: threshold ${num(s.forTargetSensitivity.threshold, 4)}, ${pointText(s.forTargetSensitivity)}`,
    );
  if (s.msPerStudy)
    lines.push(
      `- Time per study (fetch + pipeline + model): median ${Math.round(s.msPerStudy.median)} ms, p95 ${Math.round(s.msPerStudy.p95)} ms`,
    );
  if (s.subgroups.length) {
    lines.push(
      "",
      "| Subgroup | Studies | Positive | AUC (95% CI) | Sensitivity | Specificity |",
      "|---|---|---|---|---|---|",
    );
    for (const g of s.subgroups)
      lines.push(
        `| ${g.subgroup} | ${g.cases} | ${g.positives} | ${g.auc === null ? "–" : `${num(g.auc)} (${num(g.aucInterval?.low ?? null)}–${num(g.aucInterval?.high ?? null)})`} | ${pct(g.atThreshold.sensitivity)} | ${pct(g.atThreshold.specificity)} |`,
      );
  }
  if (run.problems.length) {
    lines.push("", "Rows not used:");
    for (const p of run.problems)
      lines.push(
        `- line ${p.line} (${p.studyKey || "no study"}): ${p.status.toLowerCase().replace("_", " ")} – ${p.reason ?? ""}`,
      );
  }
  return lines.join("\n");
}

/** One model version's result on the current revision of a study (an AiResult row, plainly). */
export type ModelResult = {
  status: "SCORED" | "NOT_APPLICABLE" | "FAILED";
  modelId: string;
  modelVersion: string;
  finding: string | null;
  probability: number | null;
  critical: boolean;
  urgent: boolean;
  reason: string | null;
};

/** The Study's AI summary columns, as the worklist orders and labels by them. */
export type StudyVerdict = {
  aiStatus: "critical" | "urgent" | "negative" | "unavailable" | "not_applicable";
  aiFinding: string | null;
  aiProbability: number | null;
  aiModelId: string | null;
  aiModelVersion: string | null;
  aiReason: string | null;
};

const severity = (r: ModelResult) => (r.critical ? 3 : r.urgent ? 2 : 1);

/**
 * Several models may score one study: a critical or urgent finding speaks at once (the
 * most severe, then the most probable); otherwise the verdict waits for every queued
 * model. Failures only decide the label when no model scored at all.
 * Returns null while the verdict is still pending.
 */
export function summariseResults(results: ModelResult[], expectedModels: number): StudyVerdict | null {
  const scored = results.filter((r) => r.status === "SCORED" && r.probability !== null);
  const top = [...scored].sort((a, b) => severity(b) - severity(a) || b.probability! - a.probability!)[0];
  const fromScore = (r: ModelResult): StudyVerdict => ({
    aiStatus: r.critical ? "critical" : r.urgent ? "urgent" : "negative",
    aiFinding: r.finding,
    aiProbability: r.probability,
    aiModelId: r.modelId,
    aiModelVersion: r.modelVersion,
    aiReason: failureReasons(results),
  });
  if (top && (top.critical || top.urgent)) return fromScore(top);
  if (results.length < expectedModels) return null;
  if (top) return fromScore(top);
  const failed = results.filter((r) => r.status === "FAILED");
  if (failed.length > 0) {
    return {
      aiStatus: "unavailable",
      aiFinding: null,
      aiProbability: null,
      aiModelId: failed[0]!.modelId,
      aiModelVersion: failed[0]!.modelVersion,
      aiReason: failureReasons(results),
    };
  }
  const reasons = results.map((r) => `${r.modelId}: ${r.reason ?? "not applicable"}`).join("; ");
  return {
    aiStatus: "not_applicable",
    aiFinding: null,
    aiProbability: null,
    aiModelId: null,
    aiModelVersion: null,
    aiReason: reasons || null,
  };
}

function failureReasons(results: ModelResult[]): string | null {
  const failed = results.filter((r) => r.status === "FAILED");
  if (failed.length === 0) return null;
  // One model: its reason as it is; several: each prefixed with the model's id.
  return failed.length === 1 && results.length === 1
    ? (failed[0]!.reason ?? "scoring failed")
    : failed.map((r) => `${r.modelId}: ${r.reason ?? "scoring failed"}`).join("; ");
}

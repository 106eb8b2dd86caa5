import { Random } from "../random";
import type { DicomPriority, SyntheticStudyOptions } from "./studies";

/**
 * A department's worth of arrivals for the demo: mostly routine work, some ED and
 * inpatient urgencies, a few head CTs and chest radiographs with findings (~3% of studies), and a few
 * orders without a priority or location (as real RIS feeds have). Pure and seeded.
 * A batch of 10 or more gets exactly 3% (at least one) positives, so a small demo day shows what
 * a department sees rather than a lucky or unlucky draw; a single study (the trickle) is drawn.
 */
const POSITIVE_SHARE = 0.03;

export function planDemoStudies(seed: number, count: number, now: Date): SyntheticStudyOptions[] {
  const rng = new Random(seed);
  const plan: SyntheticStudyOptions[] = [];
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    const kind = roll < 0.15 ? "head-ct" : roll < 0.5 ? "chest-xr" : "other";
    const location = rng.pick([
      "ED",
      "ED",
      "ED",
      "WARD 4B",
      "ICU",
      "WARD 7",
      "OUTPATIENT CLINIC",
      "OUTPATIENT CLINIC",
      "OUTPATIENT CLINIC",
      null,
    ]);
    const priority: DicomPriority | null = rng.chance(0.08)
      ? null
      : location === "ED"
        ? rng.pick(["STAT", "HIGH", "HIGH", "ROUTINE"] as const)
        : location?.startsWith("OUTPATIENT")
          ? rng.pick(["ROUTINE", "ROUTINE", "LOW"] as const)
          : rng.pick(["HIGH", "MEDIUM", "ROUTINE"] as const);
    // About 3% of all studies with a critical finding, as in an emergency department (not half the list).
    const positive =
      count < 10 && (kind === "head-ct" ? rng.chance(0.1) : kind === "chest-xr" ? rng.chance(0.04) : false);
    plan.push({
      seed: rng.int(1, 2 ** 31),
      kind,
      finding: positive ? "positive" : "none",
      priority,
      location,
      studyDateTime: new Date(now.getTime() - rng.int(5, 8 * 60) * 60_000),
      sliceCount: kind === "head-ct" ? rng.int(24, 30) : undefined,
      size: kind === "chest-xr" ? 1024 : undefined,
    });
  }
  if (count >= 10) {
    const screened = plan.filter((p) => p.kind !== "other");
    for (let k = Math.max(1, Math.round(count * POSITIVE_SHARE)); k > 0 && screened.length > 0; k--)
      screened.splice(rng.int(0, screened.length - 1), 1)[0]!.finding = "positive";
  }
  return plan.sort((a, b) => a.studyDateTime!.getTime() - b.studyDateTime!.getTime());
}

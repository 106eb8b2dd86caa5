import { eligibility, type EligibilityStudy, type ReaderAccess, type RoutingContext } from "./eligibility";

/** A reader as push assignment weighs them. */
export type Candidate = {
  reader: ReaderAccess;
  capRvu: number | null;
  /** RVUs assigned to them this shift (read or not): what balancing evens out. */
  shiftRvu: number;
  /** RVUs assigned to them and still unread: what the cap limits. */
  openRvu: number;
  /** When they claimed the case they are reading, or null when free. */
  readingSince: Date | null;
  /**
   * Interruptions: the case they are reading, when it may be paused for an urgent study (it is
   * itself neither AI-critical, STAT nor pinned, and nobody is asking them already); null or
   * absent otherwise.
   */
  pausable?: { studyId: string; dueAt: Date } | null;
};

export type AssignableStudy = EligibilityStudy & { id: string; patientId: string | null; workRvu: number };

/** `interrupts`: the reader is asked to pause this study (their current case) for the new one. */
export type Assignment = { userId: string; reason: string; interrupts?: string };

export type AssignmentOptions = {
  /** The site allows interruptions (routing config `interruptions`). */
  interruptions?: boolean;
  /** Readers who already declined (or let lapse) being interrupted for this study. */
  declinedBy?: ReadonlySet<string>;
};

/** AI-critical and STAT studies bypass caps and go to whoever will be free soonest. */
export const bypassesCaps = (s: Pick<EligibilityStudy, "orderPriority" | "aiStatus">) =>
  s.aiStatus === "critical" || s.orderPriority === "STAT";

const byLoadThenId = (a: Candidate, b: Candidate) =>
  a.shiftRvu - b.shiftRvu || (a.reader.userId < b.reader.userId ? -1 : a.reader.userId > b.reader.userId ? 1 : 0);

/**
 * Who gets the study in push mode: among on-duty readers eligible for it (their groups, or
 * overflow),
 * 1. the reader already assigned another open study of the same patient (`samePatient`),
 *    so a CT head and a CT cervical spine from the ED go together;
 * 2. for AI-critical and STAT studies, regardless of caps: a free reader with the least work
 *    this shift; else, where the site allows interruptions, the reader on the least urgent
 *    pausable case (latest due time) who has not declined this study, asked to interrupt;
 *    else the reader who has been on their current case longest (free soonest);
 * 3. otherwise the reader with the least RVUs assigned this shift whose open assignments stay
 *    within their cap.
 * Null when nobody can take it: it stays unassigned and open to every eligible reader.
 */
export function chooseAssignee(
  study: AssignableStudy,
  candidates: readonly Candidate[],
  ctx: RoutingContext,
  samePatient: string | null = null,
  options: AssignmentOptions = {},
): Assignment | null {
  const eligible = candidates.filter((c) => c.reader.onDuty && eligibility(c.reader, study, ctx).eligible);
  if (eligible.length === 0) return null;
  const together = samePatient ? eligible.find((c) => c.reader.userId === samePatient) : undefined;
  if (together) return { userId: together.reader.userId, reason: "same patient as their other open study" };
  if (bypassesCaps(study)) {
    const free = eligible.filter((c) => c.readingSince === null).sort(byLoadThenId);
    if (free[0]) return { userId: free[0].reader.userId, reason: "urgent: free now, least work this shift" };
    if (options.interruptions) {
      const askable = eligible
        .filter((c) => c.pausable && !options.declinedBy?.has(c.reader.userId))
        .sort((a, b) => b.pausable!.dueAt.getTime() - a.pausable!.dueAt.getTime() || byLoadThenId(a, b));
      if (askable[0])
        return {
          userId: askable[0].reader.userId,
          reason: "urgent: asked to interrupt a less urgent read",
          interrupts: askable[0].pausable!.studyId,
        };
    }
    const soonest = [...eligible].sort(
      (a, b) => a.readingSince!.getTime() - b.readingSince!.getTime() || byLoadThenId(a, b),
    )[0]!;
    return { userId: soonest.reader.userId, reason: "urgent: everyone is reading; on their case longest" };
  }
  const room = eligible.filter((c) => c.capRvu === null || c.openRvu + study.workRvu <= c.capRvu).sort(byLoadThenId);
  return room[0] ? { userId: room[0].reader.userId, reason: "least work this shift" } : null;
}

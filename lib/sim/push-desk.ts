import type { QueuedStudy, ReadingTeam } from "./reading-team";

type Study = QueuedStudy & { id: string };

/**
 * Push assignment inside a simulated run, as server/assignment/assign-studies.ts does it live:
 * each arriving study goes to the reader the team's assignee rule chooses; a reader's load is
 * the RVUs assigned to them since their shift began (the scenario knows their hours; the live
 * system takes it from when they last went on duty, at most 12 hours back) and the RVUs they
 * hold unread (for caps).
 * What an off-duty reader holds goes back out, and studies nobody could take are tried again,
 * when the hour changes or a reader makes room under a cap; until then they stay on the shared
 * list for every eligible reader.
 */
export function pushDesk(
  team: ReadingTeam,
  useAi: boolean,
  readingSince: (reader: number, minute: number) => number | null,
) {
  const holder = new Map<string, number>();
  const held = new Map<string, Study>();
  const openRvu = new Array<number>(team.size).fill(0);
  // RVUs assigned to each reader since their shift (a run of on-duty hours) began.
  const shiftRvu = new Array<number>(team.size).fill(0);
  const shiftOf = new Array<number>(team.size).fill(-1);
  const blockCache = new Array<{ hour: number; start: number } | null>(team.size).fill(null);
  const waiting = new Map<string, Study>();
  let lastHour = -1;
  let roomMade = false;

  /** The hour the reader's current shift began (0 for a reader on duty all week). */
  const shiftStart = (reader: number, minute: number) => {
    const hour = Math.floor(minute / 60);
    const cached = blockCache[reader];
    if (cached?.hour === hour) return cached.start;
    let start = hour;
    while (start > 0 && hour - start < 24 * 7 && team.onDuty(reader, (start - 1) * 60)) start--;
    if (hour - start >= 24 * 7) start = 0;
    blockCache[reader] = { hour, start };
    return start;
  };
  const shiftLoad = (reader: number, minute: number) => {
    const start = shiftStart(reader, minute);
    if (shiftOf[reader] !== start) [shiftOf[reader], shiftRvu[reader]] = [start, 0];
    return shiftRvu[reader]!;
  };
  const load = (minute: number) => (reader: number) => ({
    shiftRvu: shiftLoad(reader, minute),
    openRvu: openRvu[reader]!,
    readingSince: readingSince(reader, minute),
  });
  const give = (study: Study, reader: number, minute: number, countShift: boolean) => {
    const rvu = team.workRvu(study.classIndex);
    holder.set(study.id, reader);
    held.set(study.id, study);
    openRvu[reader]! += rvu;
    if (countShift) {
      shiftLoad(reader, minute);
      shiftRvu[reader]! += rvu;
    }
  };
  const release = (study: Study) => {
    const reader = holder.get(study.id);
    if (reader === undefined) return;
    holder.delete(study.id);
    held.delete(study.id);
    openRvu[reader]! -= team.workRvu(study.classIndex);
    roomMade = true;
  };
  const assign = (study: Study, minute: number) => {
    const reader = team.assignee(study, minute, useAi, load(minute));
    if (reader === null) waiting.set(study.id, study);
    else give(study, reader, minute, true);
  };

  return {
    /** Who holds the study (undefined: it is on the shared list). */
    holderOf: (study: Study) => holder.get(study.id),
    /** A study arrives. */
    arrive: assign,
    /** A reader starts reading the study: it is no longer held or waiting. */
    start(study: Study) {
      release(study);
      waiting.delete(study.id);
    },
    /** An interruption: the study goes to this reader (it counts as new work for them). */
    moveTo(study: Study, reader: number, minute: number) {
      release(study);
      waiting.delete(study.id);
      give(study, reader, minute, true);
    },
    /** An interrupted read goes back on its reader's list: theirs, and not new work. */
    keep(study: Study, reader: number, minute: number) {
      give(study, reader, minute, false);
    },
    /**
     * At a reader's turn: on a new hour, off-duty readers' studies go back out; then, if the
     * hour changed or someone made room, the waiting studies are tried again, most urgent first.
     */
    rebalance(minute: number, mostUrgentFirst: (a: Study, b: Study) => number) {
      const hour = Math.floor(minute / 60);
      const newHour = hour !== lastHour;
      if (newHour) {
        lastHour = hour;
        for (const [id, reader] of holder)
          if (!team.onDuty(reader, minute)) {
            const study = held.get(id)!;
            release(study);
            waiting.set(id, study);
          }
      }
      if (!newHour && !roomMade) return;
      roomMade = false;
      const order = [...waiting.values()].sort(mostUrgentFirst);
      waiting.clear();
      for (const study of order) assign(study, minute);
    },
  };
}

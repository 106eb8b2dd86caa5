// The what-if simulator's reading team (lib/sim/reading-team.ts) asked directly: who is on duty,
// who may read what at which minute (and that its memo never mixes two questions up), and when
// the next change can happen. Every expected answer is worked out by hand from the readers' hours
// and groups and the routing rules (lib/routing/eligibility.ts's documented rules: a group member
// reads the group's studies, trainees not STAT or AI-critical ones, and a study overflows to the
// overflow group when nobody (for STAT and AI-critical: no attending) on duty covers its group, or
// once it has waited the group's overflow time).
import { describe, expect, it } from "vitest";
import { readingTeam } from "@/lib/sim/reading-team";
import { scenarioSchema } from "@/lib/sim/scenario";

const H = 60;
const DAY_NEURO_HOURS = Array.from({ length: 10 }, (_, i) => 8 + i); // 08:00–17:59

const scenario = (readers: { name: string; groups: string[]; hours?: number[]; trainee?: boolean }[]) =>
  scenarioSchema.parse({
    days: 1,
    readers: 1,
    ai: { sensitivity: 1, specificity: 1 },
    routing: {
      groups: [
        { key: "neuro", label: "Neuro", overflowMinutes: 600 },
        { key: "general", label: "General" },
      ],
      overflowGroup: "general",
      readers,
    },
    classes: [
      {
        name: "CT head",
        modality: "CT",
        bodyPart: "HEAD",
        group: "neuro",
        arrivalsPerHour: 1,
        readMinutes: { mean: 10 },
      },
      {
        name: "XR chest",
        modality: "CR",
        bodyPart: "CHEST",
        group: "general",
        arrivalsPerHour: 1,
        readMinutes: { mean: 5 },
      },
    ],
  });

const dayNeuro = { name: "day neuro", groups: ["neuro"], hours: DAY_NEURO_HOURS };
const generalist = { name: "generalist", groups: ["general"] };
const neuroTrainee = { name: "neuro trainee", groups: ["neuro"], trainee: true };
const department = () => readingTeam(scenario([dayNeuro, generalist, neuroTrainee]));

const head = (at: number, flagged = false) => ({ classIndex: 0, at, flagged });
const chest = (at: number) => ({ classIndex: 1, at, flagged: false });

describe("the simulator's reading team", () => {
  it("without reading groups: a head count per hour, everyone reads everything, nobody is pushed work", () => {
    const perHour = Array.from({ length: 24 }, (_, h) => (h < 8 ? 1 : 3));
    const team = readingTeam(
      scenarioSchema.parse({
        days: 1,
        readers: perHour,
        ai: { sensitivity: 1, specificity: 1 },
        classes: [{ name: "CT head", arrivalsPerHour: 1, readMinutes: { mean: 10 } }],
      }),
    );
    expect(team.size).toBe(3);
    expect(team.grouped).toBe(false);
    expect(team.push).toBe(false);
    expect([team.onDuty(0, 2 * H), team.onDuty(1, 2 * H), team.onDuty(2, 9 * H)]).toEqual([true, false, true]);
    expect(team.onDutyInHour(2)).toBe(1);
    expect(team.mayRead(2, head(0, true), 9 * H, true)).toBe(true);
    expect(team.nextChange([head(0)], 30)).toBe(Infinity);
    expect(team.assignee(head(0), 9 * H, true, () => ({ shiftRvu: 0, openRvu: 0, readingSince: null }))).toBeNull();
  });

  it("counts who is on duty in each hour of the day", () => {
    const team = department();
    expect(team.grouped).toBe(true);
    expect(team.push).toBe(false);
    // 09:00: all three; 03:00: the generalist and the trainee; 17:00 is the day neuro's last hour.
    expect([team.onDutyInHour(9), team.onDutyInHour(3), team.onDutyInHour(17), team.onDutyInHour(18)]).toEqual([
      3, 2, 3, 2,
    ]);
    expect([team.onDuty(0, 7 * H + 59), team.onDuty(0, 8 * H), team.onDuty(0, 24 * H + 9 * H)]).toEqual([
      false,
      true,
      true,
    ]);
  });

  it("a trainee reads the group's unflagged studies, not AI-critical ones, whichever is asked first", () => {
    const unflaggedFirst = department();
    expect(unflaggedFirst.mayRead(2, head(9 * H), 9 * H, true)).toBe(true);
    expect(unflaggedFirst.mayRead(2, head(9 * H, true), 9 * H, true)).toBe(false);
    const flaggedFirst = department();
    expect(flaggedFirst.mayRead(2, head(9 * H, true), 9 * H, true)).toBe(false);
    expect(flaggedFirst.mayRead(2, head(9 * H), 9 * H, true)).toBe(true);
    // Without the AI (a FIFO run) nothing is flagged: the trainee reads it.
    expect(flaggedFirst.mayRead(2, head(9 * H, true), 9 * H, false)).toBe(true);
  });

  it("an AI-critical head CT at night, with only a trainee covering neuro, overflows to the generalist; an unflagged one does not", () => {
    const team = department();
    expect(team.mayRead(1, head(3 * H), 3 * H, true)).toBe(false);
    expect(team.mayRead(1, head(3 * H, true), 3 * H, true)).toBe(true);
    // By day the neuro attending covers it: not for the generalist, flagged or not.
    expect(team.mayRead(1, head(9 * H, true), 9 * H, true)).toBe(false);
    // The day neuro reads no chest radiographs; the generalist does.
    expect(team.mayRead(0, chest(9 * H), 9 * H, true)).toBe(false);
    expect(team.mayRead(1, chest(9 * H), 9 * H, true)).toBe(true);
  });

  it("a head CT overflows to the generalist once it has waited neuro's 600 minutes, not a minute before", () => {
    const team = department();
    const arrived = 2 * H; // 02:00; 600 minutes later is 12:00, while the day neuro covers neuro
    expect(team.mayRead(1, head(arrived), arrived + 599, true)).toBe(false);
    expect(team.mayRead(1, head(arrived), arrived + 600, true)).toBe(true);
    // Another head CT in the same hour that has not waited that long: still neuro's alone.
    expect(team.mayRead(1, head(arrived + 30), arrived + 610, true)).toBe(false);
  });

  it("keeps each reader's answers apart, even with more readers than hours in a day", () => {
    // Reader 0 is a generalist, readers 1–23 read nothing, reader 24 is a neuroradiologist: all on
    // all day, so neuro is covered and a head CT is reader 24's alone.
    const readers = [
      generalist,
      ...Array.from({ length: 23 }, (_, i) => ({ name: `idle ${i}`, groups: [] })),
      { name: "neuro", groups: ["neuro"] },
    ];
    const team = readingTeam(scenario(readers));
    expect(team.mayRead(0, head(H), H, true)).toBe(false); // reader 0 at 01:00
    expect(team.mayRead(24, head(0), 0, true)).toBe(true); // reader 24 at 00:00
    expect(team.mayRead(0, chest(H), H, true)).toBe(true);
    expect(team.mayRead(24, chest(0), 0, true)).toBe(false);
  });

  it("the next change is the next hour, or sooner when a queued study reaches its group's overflow time", () => {
    const team = department();
    expect(team.nextChange([], 90)).toBe(120);
    expect(team.nextChange([], 120)).toBe(180);
    // A head CT that arrived at 100 overflows at 700: between 690 and the next hour (720).
    expect(team.nextChange([head(100)], 690)).toBe(700);
    expect(team.nextChange([chest(650), head(100), head(110)], 690)).toBe(700);
    // At 700 that moment is now, not next; one that overflowed long ago is no change to come.
    expect(team.nextChange([head(100)], 700)).toBe(720);
    expect(team.nextChange([head(0)], 690)).toBe(720);
    // Chest radiographs never overflow by time.
    expect(team.nextChange([chest(0)], 690)).toBe(720);
  });
});

// The what-if simulator's push assignment bookkeeping (lib/sim/push-desk.ts) and the team's
// assignee (lib/sim/reading-team.ts), on small hand-made cases: every expected load, holder and
// shift start below is worked out by hand from the readers' hours and the studies' RVUs.
import { describe, expect, it } from "vitest";
import { pushDesk } from "@/lib/sim/push-desk";
import { readingTeam, type ReaderLoad, type ReadingTeam } from "@/lib/sim/reading-team";
import { scenarioSchema } from "@/lib/sim/scenario";

const H = 60;
const DAY = 24 * H;

/**
 * A team whose assignee takes the reader with the least shift load among those on duty with room
 * under `cap` (open RVUs), lowest index first: enough to watch the desk's bookkeeping. Every
 * call's loads are kept in `asked`.
 */
function fakeTeam(o: {
  size: number;
  hours: (reader: number, hourOfDay: number) => boolean;
  rvu: number[];
  cap?: number;
}) {
  const asked: { minute: number; loads: ReaderLoad[] }[] = [];
  const onDuty = (r: number, minute: number) => o.hours(r, Math.floor(minute / H) % 24);
  const team: ReadingTeam = {
    size: o.size,
    onDuty,
    onDutyInHour: () => 0,
    mayRead: () => true,
    nextChange: () => Infinity,
    grouped: true,
    push: true,
    workRvu: (c) => o.rvu[c]!,
    assignee(_study, minute, _useAi, load) {
      const loads = Array.from({ length: o.size }, (_, r) => load(r));
      asked.push({ minute, loads });
      let best: number | null = null;
      for (let r = 0; r < o.size; r++) {
        if (!onDuty(r, minute)) continue;
        if (o.cap !== undefined && loads[r]!.openRvu + o.rvu[_study.classIndex]! > o.cap) continue;
        if (best === null || loads[r]!.shiftRvu < loads[best]!.shiftRvu) best = r;
      }
      return best;
    },
  };
  return { team, asked };
}

let n = 0;
const study = (classIndex: number, at: number) => ({ id: `s${++n}`, classIndex, at, flagged: false });
const byArrival = (a: { at: number }, b: { at: number }) => a.at - b.at;
const notReading = () => null;

describe("pushDesk", () => {
  it("a reader on duty all week keeps one shift: the load never resets", () => {
    const { team, asked } = fakeTeam({ size: 1, hours: () => true, rvu: [2] });
    const desk = pushDesk(team, true, notReading);
    desk.arrive(study(0, 10), 10);
    desk.arrive(study(0, 3 * DAY), 3 * DAY);
    desk.arrive(study(0, 8 * DAY), 8 * DAY);
    expect(asked.map((a) => a.loads[0]!.shiftRvu)).toEqual([0, 2, 4]);
    expect(asked.map((a) => a.loads[0]!.openRvu)).toEqual([0, 2, 4]);
  });

  it("a night shift from 22:00 to 06:00 counts from 22:00, across midnight, and starts again the next night", () => {
    const night = (_: number, h: number) => h >= 22 || h < 6;
    const { team, asked } = fakeTeam({ size: 1, hours: night, rvu: [1.5] });
    const desk = pushDesk(team, true, notReading);
    desk.arrive(study(0, 23 * H), 23 * H); // day 0, 23:00: shift began 22:00
    desk.arrive(study(0, DAY + 2 * H), DAY + 2 * H); // day 1, 02:00: same shift
    desk.arrive(study(0, DAY + 22 * H + 30), DAY + 22 * H + 30); // day 1, 22:30: a new shift
    desk.arrive(study(0, DAY + 23 * H), DAY + 23 * H);
    expect(asked.map((a) => a.loads[0]!.shiftRvu)).toEqual([0, 1.5, 0, 1.5]);
    // Unread studies are still held: the open load does not reset with the shift.
    expect(asked.map((a) => a.loads[0]!.openRvu)).toEqual([0, 1.5, 3, 4.5]);
  });

  it("a day shift's last hour is still that shift", () => {
    // 08:00–17:59: a study at 08:30 and one at 17:30 are the same shift.
    const { team, asked } = fakeTeam({ size: 1, hours: (_, h) => h >= 8 && h < 18, rvu: [1] });
    const desk = pushDesk(team, true, notReading);
    desk.arrive(study(0, 8 * H + 30), 8 * H + 30);
    desk.arrive(study(0, 17 * H + 30), 17 * H + 30);
    expect(asked.map((a) => a.loads[0]!.shiftRvu)).toEqual([0, 1]);
  });

  it("after the first week, each day's shift still starts afresh", () => {
    const { team, asked } = fakeTeam({ size: 1, hours: (_, h) => h >= 8 && h < 18, rvu: [1] });
    const desk = pushDesk(team, true, notReading);
    desk.arrive(study(0, 8 * DAY + 9 * H), 8 * DAY + 9 * H);
    desk.arrive(study(0, 8 * DAY + 10 * H), 8 * DAY + 10 * H);
    desk.arrive(study(0, 9 * DAY + 9 * H), 9 * DAY + 9 * H);
    expect(asked.map((a) => a.loads[0]!.shiftRvu)).toEqual([0, 1, 0]);
  });

  it("the first turn after midnight's hour hands back what a reader who went off duty holds", () => {
    // Reader 0 covers 00:00–00:59 only, reader 1 from 01:00.
    const { team } = fakeTeam({ size: 2, hours: (r, h) => (r === 0 ? h < 1 : h >= 1), rvu: [1] });
    const desk = pushDesk(team, true, notReading);
    const s = study(0, 30);
    desk.arrive(s, 30);
    expect(desk.holderOf(s)).toBe(0);
    desk.rebalance(70, byArrival);
    expect(desk.holderOf(s)).toBe(1);
  });

  it("a study that arrived with nobody on duty is placed when the next hour brings a reader", () => {
    const { team } = fakeTeam({ size: 1, hours: (_, h) => h >= 10, rvu: [1] });
    const desk = pushDesk(team, true, notReading);
    const s = study(0, 9 * H + 30);
    desk.arrive(s, 9 * H + 30);
    expect(desk.holderOf(s)).toBeUndefined();
    desk.rebalance(9 * H + 40, byArrival);
    expect(desk.holderOf(s)).toBeUndefined();
    desk.rebalance(10 * H, byArrival);
    expect(desk.holderOf(s)).toBe(0);
  });

  it("balances by this shift's load, not yesterday's", () => {
    // Reader 0 works 08–16 every day, reader 1 all day. By day 1, 09:00 reader 0's shift is new.
    const { team, asked } = fakeTeam({ size: 2, hours: (r, h) => r === 1 || (h >= 8 && h < 16), rvu: [1] });
    const desk = pushDesk(team, true, notReading);
    const first = study(0, 9 * H);
    const second = study(0, 9 * H + 1);
    const third = study(0, 9 * H + 2);
    desk.arrive(first, 9 * H);
    desk.arrive(second, 9 * H + 1);
    desk.arrive(third, 9 * H + 2);
    expect([first, second, third].map((s) => desk.holderOf(s))).toEqual([0, 1, 0]);
    const next = study(0, DAY + 9 * H);
    desk.arrive(next, DAY + 9 * H);
    expect(asked.at(-1)!.loads.map((l) => l.shiftRvu)).toEqual([0, 1]);
    expect(desk.holderOf(next)).toBe(0);
  });

  it("caps: a study nobody has room for waits, and is placed when a reader starts a held study and makes room", () => {
    const { team } = fakeTeam({ size: 1, hours: () => true, rvu: [2, 1], cap: 3 });
    const desk = pushDesk(team, true, notReading);
    const a = study(0, 0);
    const b = study(1, 1);
    const c = study(0, 2);
    desk.arrive(a, 0);
    desk.arrive(b, 1);
    desk.arrive(c, 2); // 3 open + 2 > 3
    expect([a, b, c].map((s) => desk.holderOf(s))).toEqual([0, 0, undefined]);
    desk.rebalance(3, byArrival); // same hour, nobody made room: c still waits
    expect(desk.holderOf(c)).toBeUndefined();
    desk.start(a); // 1 open: room for c
    expect(desk.holderOf(a)).toBeUndefined();
    desk.rebalance(4, byArrival);
    expect(desk.holderOf(c)).toBe(0);
  });

  it("on a new hour, what an off-duty reader holds goes back out, most urgent first, to whoever is on duty", () => {
    // Reader 0 until 10:00, reader 1 from 10:00; cap 2 RVUs each.
    const { team, asked } = fakeTeam({ size: 2, hours: (r, h) => (r === 0 ? h < 10 : h >= 10), rvu: [1], cap: 2 });
    const desk = pushDesk(team, true, notReading);
    const early = study(0, 9 * H);
    const late = study(0, 9 * H + 30);
    const third = study(0, 9 * H + 40);
    desk.arrive(early, 9 * H);
    desk.arrive(late, 9 * H + 30);
    desk.arrive(third, 9 * H + 40); // over reader 0's cap: waits
    expect([early, late, third].map((s) => desk.holderOf(s))).toEqual([0, 0, undefined]);
    desk.rebalance(9 * H + 50, byArrival); // first call of the hour: reader 0 still on duty, third still waits
    expect(desk.holderOf(third)).toBeUndefined();
    desk.rebalance(10 * H, byArrival);
    // Reader 1 (cap 2) takes the two most urgent (earliest here); the third waits again.
    expect([early, late, third].map((s) => desk.holderOf(s))).toEqual([1, 1, undefined]);
    expect(asked.at(-1)!.loads[1]).toEqual({ shiftRvu: 2, openRvu: 2, readingSince: null });
  });

  it("an interruption moves the study (new work for the new reader); keep puts a paused read back without counting it again", () => {
    const { team, asked } = fakeTeam({ size: 2, hours: () => true, rvu: [1, 4] });
    const desk = pushDesk(team, true, (r, minute) => (r === 0 ? minute - 5 : null));
    const routine = study(1, 0);
    desk.arrive(routine, 0); // both at 0: reader 0
    expect(desk.holderOf(routine)).toBe(0);
    expect(asked[0]!.loads[0]!.readingSince).toBe(-5);
    desk.moveTo(routine, 1, 1);
    expect(desk.holderOf(routine)).toBe(1);
    const probe = study(0, 2);
    desk.arrive(probe, 2);
    expect(asked.at(-1)!.loads).toEqual([
      { shiftRvu: 4, openRvu: 0, readingSince: -3 },
      { shiftRvu: 4, openRvu: 4, readingSince: null },
    ]);
    desk.keep(routine, 0, 3);
    desk.arrive(study(0, 4), 4);
    expect(asked.at(-1)!.loads[0]).toEqual({ shiftRvu: 5, openRvu: 5, readingSince: -1 });
  });
});

describe("readingTeam's push assignee", () => {
  const scenario = (readers: { groups: string[]; hours?: number[]; capRvu?: number }[]) =>
    scenarioSchema.parse({
      seed: 1,
      days: 1,
      readers: 9,
      disciplines: ["readnext"],
      ai: { sensitivity: 1, specificity: 1 },
      routing: {
        groups: [
          { key: "neuro", label: "Neuro" },
          { key: "body", label: "Body" },
        ],
        overflowGroup: null,
        assignment: "push",
        readers: readers.map((r, i) => ({ name: `R${i}`, ...r })),
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
          name: "CT abdomen",
          modality: "CT",
          bodyPart: "ABDOMEN",
          group: "body",
          arrivalsPerHour: 1,
          workRvu: 2.5,
          readMinutes: { mean: 10 },
        },
        {
          name: "STAT head",
          modality: "CT",
          bodyPart: "HEAD",
          group: "neuro",
          orderPriority: "STAT",
          arrivalsPerHour: 1,
          readMinutes: { mean: 10 },
        },
      ],
    });
  const load = (l: Partial<ReaderLoad>[]) => (r: number) => ({ shiftRvu: 0, openRvu: 0, readingSince: null, ...l[r] });
  const at9 = 9 * H;

  it("work RVUs: the class's own figure, else the starter table's", () => {
    const team = readingTeam(scenario([{ groups: ["neuro"] }]));
    expect(team.push).toBe(true);
    expect(team.workRvu(1)).toBe(2.5);
    expect(team.workRvu(0)).toBe(0.85); // CT HEAD in the starter table
  });

  it("only eligible on-duty readers, the least loaded within their cap; nobody: null", () => {
    const team = readingTeam(
      scenario([
        { groups: ["body"] },
        { groups: ["neuro"], capRvu: 1 },
        { groups: ["neuro"], hours: [20, 21] },
        { groups: ["neuro"] },
      ]),
    );
    const head = { classIndex: 0, at: at9, flagged: false };
    // R1 (cap 1) has room for 0.85 while its open RVUs are 0.15 or less.
    expect(team.assignee(head, at9, true, load([{}, { shiftRvu: 1, openRvu: 0.15 }, {}, { shiftRvu: 2 }]))).toBe(1);
    expect(team.assignee(head, at9, true, load([{}, { shiftRvu: 1, openRvu: 0.2 }, {}, { shiftRvu: 2 }]))).toBe(3);
    // R2 is off duty at 09:00 though least loaded; R0 is body only.
    expect(team.assignee(head, at9, true, load([{}, { shiftRvu: 5 }, {}, { shiftRvu: 4 }]))).toBe(3);
    expect(team.assignee(head, at9, true, load([{}, { openRvu: 1 }, {}, {}]))).toBe(3);
    const capped = readingTeam(scenario([{ groups: ["neuro"], capRvu: 1 }]));
    expect(capped.assignee(head, at9, true, load([{ openRvu: 0.5 }]))).toBeNull();
    // STAT ignores the cap and goes to the one on their case longest when everyone is reading.
    const stat = { classIndex: 2, at: at9, flagged: false };
    expect(capped.assignee(stat, at9, true, load([{ openRvu: 5, readingSince: at9 - 3 }]))).toBe(0);
    const two = readingTeam(scenario([{ groups: ["neuro"] }, { groups: ["neuro"] }]));
    expect(two.assignee(stat, at9, true, load([{ readingSince: at9 - 3 }, { readingSince: at9 - 8 }]))).toBe(1);
  });
});

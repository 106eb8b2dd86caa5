import { describe, expect, it } from "vitest";
import { idleState, shouldReportActivity } from "@/lib/security/idle-clock";

const MIN = 60_000;

describe("the idle clock (30 minutes, warned one minute before)", () => {
  const last = Date.UTC(2026, 11, 3, 8, 0, 0);
  it("is active until 29 minutes, warns for the last minute counting down, and expires at 30", () => {
    expect(idleState(last, last, 30 * MIN)).toEqual({ phase: "active" });
    expect(idleState(last + 29 * MIN - 1, last, 30 * MIN)).toEqual({ phase: "active" });
    expect(idleState(last + 29 * MIN, last, 30 * MIN)).toEqual({ phase: "warning", secondsLeft: 60 });
    expect(idleState(last + 29 * MIN + 30_500, last, 30 * MIN)).toEqual({ phase: "warning", secondsLeft: 30 });
    expect(idleState(last + 30 * MIN - 1, last, 30 * MIN)).toEqual({ phase: "warning", secondsLeft: 1 });
    expect(idleState(last + 30 * MIN, last, 30 * MIN)).toEqual({ phase: "expired" });
    expect(idleState(last + 90 * MIN, last, 30 * MIN)).toEqual({ phase: "expired" });
  });

  it("with a limit under a minute, warns at once", () => {
    expect(idleState(last, last, 30_000)).toEqual({ phase: "warning", secondsLeft: 30 });
  });

  it("tells the server of activity at most once a minute", () => {
    expect(shouldReportActivity(last, null)).toBe(true);
    expect(shouldReportActivity(last + 59_999, last)).toBe(false);
    expect(shouldReportActivity(last + MIN, last)).toBe(true);
  });
});

// How a service that keeps failing to start is retried: pauses of 1, 2, 4 … s, never over 30 s,
// one line per try, and nothing after stop. Fake processes and timers: the real kill -9 is in
// test/integration/keep-running.test.ts.
import { EventEmitter } from "node:events";
import type { ChildProcess } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keepRunning, type ServiceRun } from "@/server/keep-running";

class FakeProcess extends EventEmitter {
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  die(signal: NodeJS.Signals) {
    this.signalCode = signal;
    this.emit("exit", null, signal);
  }
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("keepRunning", () => {
  it("retries a failing restart with doubling pauses capped at 30 s, then runs again", async () => {
    const lines: string[] = [];
    const processes: FakeProcess[] = [];
    let starts = 0;
    let failuresLeft = 0;
    const start = async (): Promise<ServiceRun> => {
      starts += 1;
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error("port 5432 in use\nsecond line");
      }
      const p = new FakeProcess();
      processes.push(p);
      return { process: p as unknown as ChildProcess, stop: async () => p.die("SIGTERM") };
    };
    const kept = await keepRunning("The thing", start, (l) => lines.push(l));
    expect(starts).toBe(1);

    failuresLeft = 7;
    processes[0]!.die("SIGKILL");
    expect(lines).toEqual(["The thing exited (signal SIGKILL); starting it again in 1 s."]);
    // Tries at 1 s, then after 2, 4, 8, 16, 30, 30 s (all failing), then one that works after 30 s.
    const pauses = [1, 2, 4, 8, 16, 30, 30, 30];
    for (const [i, pause] of pauses.entries()) {
      await vi.advanceTimersByTimeAsync(pause * 1000 - 1);
      expect(starts).toBe(1 + i);
      await vi.advanceTimersByTimeAsync(1);
      expect(starts).toBe(2 + i);
    }
    expect(lines.slice(1)).toEqual([
      "The thing did not start (port 5432 in use); trying again in 2 s.",
      "The thing did not start (port 5432 in use); trying again in 4 s.",
      "The thing did not start (port 5432 in use); trying again in 8 s.",
      "The thing did not start (port 5432 in use); trying again in 16 s.",
      "The thing did not start (port 5432 in use); trying again in 30 s.",
      "The thing did not start (port 5432 in use); trying again in 30 s.",
      "The thing did not start (port 5432 in use); trying again in 30 s.",
      "The thing is running again.",
    ]);
    expect(kept.current().process).toBe(processes[1]);
    expect(kept.restarts()).toBe(1);

    // A second death starts again from a 1-s pause.
    processes[1]!.die("SIGKILL");
    await vi.advanceTimersByTimeAsync(1000);
    expect(kept.current().process).toBe(processes[2]);
    expect(kept.restarts()).toBe(2);
  });

  it("stop ends it for good: no restart of a process that dies then, and none pending", async () => {
    const processes: FakeProcess[] = [];
    const start = async (): Promise<ServiceRun> => {
      const p = new FakeProcess();
      processes.push(p);
      return { process: p as unknown as ChildProcess, stop: async () => p.die("SIGTERM") };
    };
    const kept = await keepRunning("The thing", start, () => undefined);
    await kept.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(processes).toHaveLength(1);

    // Stopped while a restart was waiting: the restart never comes.
    const again = await keepRunning("The other", start, () => undefined);
    processes[1]!.die("SIGKILL");
    await again.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(processes).toHaveLength(2);
  });
});

// A loop failing four times a second while the database is away logs one line, then one a
// minute with a count, and one when it works again. Expected lines are written out by hand.
import { describe, expect, it } from "vitest";
import { failureReason, repeatedFailureLog } from "@/server/repeated-failure-log";

function capture() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
    void lines.push({ level, fields, message });
  return { lines, logger: { warn: at("warn"), info: at("info"), debug: at("debug") } as never };
}

// What Prisma (errorFormat "minimal") throws while the database is away.
const DOWN = new Error(
  "\nInvalid `prisma.pacsSource.findMany()` invocation:\n\n\nCan't reach database server at 127.0.0.1:5432",
);

describe("repeatedFailureLog", () => {
  it("says the first failure, then one line a minute with the count, a new reason at once, and the recovery", () => {
    const { lines, logger } = capture();
    let t = 1_000_000;
    const failures = repeatedFailureLog("source watch tick", { logger, now: () => t });
    const said = () => lines.filter((l) => l.level !== "debug");

    // 90 s of failures every 250 ms: 361 failures.
    for (let i = 0; i <= 360; i++, t += 250) failures.failed(DOWN, { sourceId: "s1" });
    expect(said()).toEqual([
      {
        level: "warn",
        fields: { sourceId: "s1", err: "Can't reach database server at 127.0.0.1:5432" },
        message: "source watch tick failed",
      },
      {
        level: "warn",
        // at 60 s: the 241st failure, after 239 unsaid since the first line
        fields: { sourceId: "s1", err: "Can't reach database server at 127.0.0.1:5432", failures: 241, repeats: 239 },
        message: "source watch tick failed (239 more since the last line)",
      },
    ]);

    failures.failed(new Error("the database system is starting up"));
    expect(said().at(-1)).toEqual({
      level: "warn",
      fields: { err: "the database system is starting up", failures: 362, repeats: 120 },
      message: "source watch tick failed (120 more since the last line)",
    });

    t += 750;
    failures.succeeded();
    failures.succeeded();
    expect(said().at(-1)).toEqual({
      level: "info",
      fields: { failures: 362, seconds: 91 },
      message: "source watch tick works again after 362 failures",
    });
    expect(said()).toHaveLength(4);
    // The whole message goes to debug, once per line said.
    expect(lines.filter((l) => l.level === "debug")).toHaveLength(3);

    // A later failure is news again.
    failures.failed(DOWN);
    expect(said().at(-1)).toEqual({
      level: "warn",
      fields: { err: "Can't reach database server at 127.0.0.1:5432" },
      message: "source watch tick failed",
    });
  });

  it("takes the reason from an error's last line, or the value itself", () => {
    expect(failureReason(DOWN)).toBe("Can't reach database server at 127.0.0.1:5432");
    expect(failureReason(new Error("connect ECONNREFUSED 127.0.0.1:5432"))).toBe("connect ECONNREFUSED 127.0.0.1:5432");
    expect(failureReason("timeout")).toBe("timeout");
    const raw = new Error(
      "\nInvalid `prisma.$queryRaw()` invocation:\n\n\nRaw query failed. Code: `57P03`. Message: `the database system is starting up`",
    );
    expect(failureReason(raw)).toBe("the database system is starting up");
    expect(failureReason(new TypeError(""))).toBe("TypeError");
  });
});

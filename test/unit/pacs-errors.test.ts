import { describe, expect, it } from "vitest";
import { PacsError } from "@/server/pacs/errors";
import { isTransient } from "@/server/scoring/score-study";

describe("which PACS failures are worth another attempt", () => {
  it.each([
    ["unreachable", undefined, true],
    ["timeout", undefined, true],
    ["invalid-response", undefined, true],
    ["http", 503, true],
    ["http", 500, true],
    ["http", 429, true],
    ["http", 400, false],
    ["not-found", 404, false],
    ["unauthorized", 401, false],
  ] as const)("%s %s → %s", (kind, status, transient) => {
    const error = new PacsError(kind, "x", status);
    expect(error.transient).toBe(transient);
    expect(isTransient(error)).toBe(transient);
  });
  it("a bug on our side is not retried", () => {
    expect(isTransient(new TypeError("oops"))).toBe(false);
  });
});

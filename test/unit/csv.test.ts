import { describe, expect, it } from "vitest";
import { toCsv } from "@/lib/csv";

describe("toCsv (RFC 4180)", () => {
  it("joins fields with commas and records with CRLF, quoting only what needs it", () => {
    expect(
      toCsv([
        ["day", "note"],
        ["2026-12-01", "plain"],
        ["2026-12-02", 'said "late", twice'],
        ["x", "two\nlines"],
      ]),
    ).toBe('day,note\r\n2026-12-01,plain\r\n2026-12-02,"said ""late"", twice"\r\nx,"two\nlines"');
  });
});

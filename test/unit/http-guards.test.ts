import { describe, expect, it } from "vitest";
import { bearerTokenMatches } from "@/server/api/http-guards";

describe("bearer token check (RIS endpoint, /metrics)", () => {
  const token = "s3cret-token-0123456789";
  it.each([
    [`Bearer ${token}`, true],
    [`bearer ${token}`, true], // the scheme is case-insensitive (RFC 7235)
    [`Bearer   ${token}  `, true],
    [token, false],
    [`Basic ${token}`, false],
    [`Bearer ${token}x`, false],
    [`Bearer ${token.slice(0, -1)}`, false],
    ["Bearer ", false],
    ["", false],
    [null, false],
  ])("%j → %s", (header, expected) => {
    expect(bearerTokenMatches(header, token)).toBe(expected);
  });
});

import { describe, expect, it } from "vitest";
import { hasAnyRole, homeFor, SECTIONS, sectionsFor } from "@/lib/roles";

describe("role navigation", () => {
  it.each([
    [["radiologist"], ["/worklist"]],
    [["chair"], ["/throughput", "/what-if", "/models", "/audit"]],
    [["scheduler"], ["/backlog"]],
    [["admin"], ["/admin", "/models", "/audit"]],
    [
      ["radiologist", "admin"],
      ["/worklist", "/admin", "/models", "/audit"],
    ],
    [
      ["admin", "chair"],
      ["/throughput", "/what-if", "/admin", "/models", "/audit"],
    ],
    [[], []],
  ])("%j sees %j", (roles, hrefs) => {
    expect(sectionsFor(roles).map((s) => s.href)).toEqual(hrefs);
  });

  it("sends users to their first section, or to no-access without a role", () => {
    expect(homeFor(["scheduler", "chair"])).toBe("/throughput");
    expect(homeFor([])).toBe("/no-access");
    expect(homeFor(["not-a-role"])).toBe("/no-access");
  });

  it("every section is reachable by at least one role", () => {
    for (const s of SECTIONS) expect(s.roles.length).toBeGreaterThan(0);
    expect(hasAnyRole(["chair"], ["admin"])).toBe(false);
  });
});

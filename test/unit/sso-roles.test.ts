import { describe, expect, it } from "vitest";
import { claimValues, parseRoleMap, rolesFromClaims } from "@/lib/auth/sso-roles";

describe("OIDC_ROLE_MAP", () => {
  it("reads group=role pairs; a group may give several roles; spaces are ignored", () => {
    const map = parseRoleMap(" rad-admins=admin , radiologists=radiologist,rad-leads=chair,rad-leads=scheduler,");
    expect(Object.fromEntries(map)).toEqual({
      "rad-admins": ["admin"],
      radiologists: ["radiologist"],
      "rad-leads": ["chair", "scheduler"],
    });
  });

  it("group names holding ',' and '=' (LDAP DNs): pairs split at ';', the last '=' separates the role", () => {
    expect(
      Object.fromEntries(parseRoleMap("CN=Radiology,OU=Groups=radiologist; CN=Rad Admins,OU=Groups=admin")),
    ).toEqual({
      "CN=Radiology,OU=Groups": ["radiologist"],
      "CN=Rad Admins,OU=Groups": ["admin"],
    });
  });

  it("spaces around '=' and an empty last pair are allowed; a pair given twice counts once", () => {
    expect(Object.fromEntries(parseRoleMap("rad-admins = admin, rad-admins=admin, "))).toEqual({
      "rad-admins": ["admin"],
    });
  });

  it("refuses what it cannot read, naming the part", () => {
    expect(() => parseRoleMap("")).toThrow(/is empty/);
    expect(() => parseRoleMap("radiologists")).toThrow(/"radiologists" is not group=role/);
    expect(() => parseRoleMap("=admin")).toThrow(/not group=role/);
    expect(() => parseRoleMap("radiologists=doctor")).toThrow(
      /"doctor" is not a role \(radiologist, chair, scheduler, admin\)/,
    );
  });
});

describe("roles from an ID token's claims", () => {
  const map = parseRoleMap("rad-admins=admin,radiologists=radiologist,rad-leads=chair,rad-leads=scheduler");

  it("maps each group the identity is in; unmapped groups give nothing; the order is ReadNext's", () => {
    expect(rolesFromClaims({ groups: ["rad-leads", "everyone", "rad-admins"] }, "groups", map)).toEqual([
      "chair",
      "scheduler",
      "admin",
    ]);
    expect(rolesFromClaims({ groups: ["everyone"] }, "groups", map)).toEqual([]);
    expect(rolesFromClaims({}, "groups", map)).toEqual([]);
  });

  it("a single string claim counts as one group; non-strings are ignored", () => {
    expect(rolesFromClaims({ groups: "radiologists" }, "groups", map)).toEqual(["radiologist"]);
    expect(claimValues({ groups: ["a", 3, null, "b"] }, "groups")).toEqual(["a", "b"]);
  });

  it("a dotted claim name reaches into nested claims (Keycloak realm roles), a literal dotted name wins", () => {
    expect(claimValues({ realm_access: { roles: ["radiologists"] } }, "realm_access.roles")).toEqual(["radiologists"]);
    expect(claimValues({ "https://hospital.example/groups": ["x"] }, "https://hospital.example/groups")).toEqual(["x"]);
    // Only objects are reached into: not the letters of a string.
    expect(claimValues({ team: "radiology" }, "team.0")).toEqual([]);
    // A claim that is neither text nor a list gives no groups.
    expect(claimValues({ groups: 5 }, "groups")).toEqual([]);
    expect(claimValues({ groups: { a: "radiologists" } }, "groups")).toEqual([]);
  });
});

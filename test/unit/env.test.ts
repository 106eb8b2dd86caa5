import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/server/env";

describe("environment validation", () => {
  it("applies documented defaults", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.EMBEDDED_PG_PORT).toBe(54329);
    expect(env.DATA_DIR).toBe(".data");
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.HOST).toBe("127.0.0.1");
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });

  it.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://x@y/z"],
    ["BETTER_AUTH_SECRET", "short"],
    ["LOG_LEVEL", "loud"],
    ["HL7_PORT", "0"],
    ["OIDC_ROLE_MAP", "radiologists=doctor"],
  ])("names the bad variable %s=%s", (name, value) => {
    expect(() => parseEnv({ [name]: value })).toThrow(EnvError);
    expect(() => parseEnv({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it("single sign-on needs its client and role map, each named when missing", () => {
    const issuer = { OIDC_ISSUER: "https://sso.hospital.example/realms/h" };
    expect(() => parseEnv(issuer)).toThrow(/OIDC_CLIENT_ID: OIDC_ISSUER needs OIDC_CLIENT_ID/);
    expect(() => parseEnv(issuer)).toThrow(/OIDC_CLIENT_SECRET: OIDC_ISSUER needs OIDC_CLIENT_SECRET/);
    expect(() => parseEnv(issuer)).toThrow(/OIDC_ROLE_MAP: OIDC_ISSUER needs OIDC_ROLE_MAP/);
    const full = parseEnv({
      ...issuer,
      OIDC_CLIENT_ID: "readnext",
      OIDC_CLIENT_SECRET: "s",
      OIDC_ROLE_MAP: "radiologists=radiologist",
    });
    expect(full).toMatchObject({ OIDC_ROLES_CLAIM: "groups", OIDC_SCOPES: "openid profile email" });
  });

  it("accepts a real configuration", () => {
    const env = parseEnv({
      DATABASE_URL: "postgresql://u:p@db:5432/readnext",
      PORT: "8080",
      BETTER_AUTH_SECRET: "x".repeat(32),
    });
    expect(env.PORT).toBe(8080);
  });
});

describe(".env.example", () => {
  it("documents every variable the server reads", async () => {
    const { readFileSync } = await import("node:fs");
    const { ENV_KEYS } = await import("@/server/env");
    const example = readFileSync(".env.example", "utf8");
    for (const key of ENV_KEYS) expect(example, key).toMatch(new RegExp(`^#? ?${key}=`, "m"));
  });
});

// Malformed and oversized input to every tRPC procedure, driven from the app router itself: a
// procedure added tomorrow is covered without touching this file. Each bad input must come back
// as a clear client error (or be accepted as the valid input it happens to be), never as an
// internal error or a thrown non-tRPC error, and a refused mutation must leave every table as it was.
import { beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { appRouter, createCaller } from "@/server/api/root";
import type { CurrentUser } from "@/server/auth/current-user";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { tableDigester } from "../support/table-digest";

const deep = (depth: number): unknown => (depth === 0 ? "bottom" : { a: deep(depth - 1), list: [deep(0)] });
const BAD_INPUTS: [string, unknown][] = [
  ["null", null],
  ["a number", 42],
  ["a 1 MB string", "x".repeat(1_000_000)],
  ["an array", [1, "two", null]],
  ["an empty object", {}],
  ["nesting 200 deep", deep(200)],
  [
    "wrong types everywhere",
    { id: 7, userId: [], studyId: {}, limit: "ten", from: 3, to: null, filters: "all", name: 1 },
  ],
  ["prototype keys", JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}')],
  [
    "huge strings in likely fields",
    Object.fromEntries(
      ["id", "userId", "studyId", "name", "reason", "email", "search"].map((k) => [k, "é".repeat(200_000)]),
    ),
  ],
  ["out-of-range numbers", { limit: 1e12, offset: -1, days: Number.MAX_SAFE_INTEGER, minutes: Number.NaN }],
];

// Server-sent event streams: a caller gets an async iterable, and their input is checked the same
// way as any other; they are driven by the browser, so left to the e2e tests.
type Procedure = { _def: { type: "query" | "mutation" | "subscription"; inputs: unknown[] } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>);
const withInput = procedures.filter(([, p]) => p._def.type !== "subscription" && p._def.inputs.length > 0);

let user: CurrentUser;
// Every public table's rows as one digest per table: a refused call must change none of them.
let snapshot: () => Promise<Record<string, string>>;

beforeAll(async () => {
  await resetDatabase();
  user = await makeUser(["radiologist", "chair", "scheduler", "admin"]);
  await makeOfflineSource();
  snapshot = await tableDigester();
});

describe("every procedure with an input, given bad input", () => {
  it("the router has procedures with inputs to try", () => {
    expect(withInput.length).toBeGreaterThan(40);
  });

  for (const [path, procedure] of withInput) {
    it(`${path} (${procedure._def.type}): a clear client error, nothing written`, async () => {
      const caller = createCaller({ db: testDb(), user });
      const call = path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (
        input: unknown,
      ) => Promise<unknown>;
      for (const [what, input] of BAD_INPUTS) {
        const before = procedure._def.type === "mutation" ? await snapshot() : null;
        let outcome = "accepted";
        try {
          await call(input);
        } catch (error) {
          expect(error, `${path} with ${what}: ${String(error)}`).toBeInstanceOf(TRPCError);
          const code = (error as TRPCError).code;
          expect(code, `${path} with ${what}: ${(error as Error).message.slice(0, 300)}`).not.toBe(
            "INTERNAL_SERVER_ERROR",
          );
          outcome = code;
        }
        if (before && outcome !== "accepted") expect(await snapshot(), `${path} with ${what} wrote`).toEqual(before);
      }
    });
  }
});

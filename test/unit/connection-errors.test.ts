// Which errors mean "the database went away" (the worker survives them) and which do not.
import { describe, expect, it } from "vitest";
import { isConnectionError } from "@/server/db/connection-errors";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isConnectionError", () => {
  it("knows the database going away", () => {
    expect(isConnectionError(new Error("Connection terminated unexpectedly"))).toBe(true); // pg-pool, what pg-boss threw
    expect(isConnectionError(withCode("terminating connection due to administrator command", "57P01"))).toBe(true);
    expect(isConnectionError(withCode("the database system is shutting down", "57P03"))).toBe(true);
    expect(isConnectionError(withCode("connection failure", "08006"))).toBe(true);
    expect(isConnectionError(withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"))).toBe(true);
    expect(isConnectionError(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
  });

  it("leaves every other failure to crash as before", () => {
    expect(isConnectionError(withCode('duplicate key value violates unique constraint "Study_pkey"', "23505"))).toBe(
      false,
    );
    expect(isConnectionError(withCode("canceling statement due to user request", "57014"))).toBe(false);
    expect(isConnectionError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isConnectionError("Connection terminated unexpectedly")).toBe(false); // not an Error
    expect(isConnectionError(undefined)).toBe(false);
  });
});

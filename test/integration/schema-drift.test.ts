import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { canonicalPredicateIn, shapeFromDatabase, shapeFromPrismaSchema } from "../support/schema-shape";

// The migrations are hand-written SQL; this is what keeps them honest.
describe("migrated database matches prisma/schema.prisma", () => {
  it("has the same enums, tables, columns, types, nullability, indexes and foreign keys", async () => {
    const expected = await shapeFromPrismaSchema(
      readFileSync("prisma/schema.prisma", "utf8"),
      canonicalPredicateIn(inject("databaseUrl")),
    );
    const actual = await shapeFromDatabase(inject("databaseUrl"));
    expect(Object.keys(expected.columns).length).toBeGreaterThan(50);
    expect(expected.indexes.some((i) => i.includes(" where "))).toBe(true);
    expect(actual.enums).toEqual(expected.enums);
    expect(actual.columns).toEqual(expected.columns);
    expect(actual.indexes).toEqual(expected.indexes);
    expect(actual.foreignKeys).toEqual(expected.foreignKeys);
  });

  it("notices a partial index whose predicate differs from the migrations'", async () => {
    const schema = readFileSync("prisma/schema.prisma", "utf8").replace(
      `"aiStatus\\" IN ('critical', 'urgent')`,
      `"aiStatus\\" IN ('critical')`,
    );
    const expected = await shapeFromPrismaSchema(schema, canonicalPredicateIn(inject("databaseUrl")));
    const actual = await shapeFromDatabase(inject("databaseUrl"));
    const partial = (s: { indexes: string[] }) => s.indexes.filter((i) => i.includes(" where "));
    expect(partial(expected)).toHaveLength(16);
    expect(partial(actual)).not.toEqual(partial(expected));
    // Only the changed one differs.
    expect(partial(expected).filter((i) => !partial(actual).includes(i))).toEqual([
      expect.stringContaining(`"aiStatus" = 'critical'`),
    ]);
  });

  it("notices a column the schema has and the migrations lack", async () => {
    const schema = readFileSync("prisma/schema.prisma", "utf8").replace(
      "model Series {",
      "model Series {\n  newColumn String?",
    );
    const expected = await shapeFromPrismaSchema(schema, canonicalPredicateIn(inject("databaseUrl")));
    const actual = await shapeFromDatabase(inject("databaseUrl"));
    expect(actual.columns).not.toEqual(expected.columns);
    expect(expected.columns["Series.newColumn"]).toBe("text null");
  });
});

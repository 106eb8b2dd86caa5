import { getDMMF } from "@prisma/get-dmmf";
import pg from "pg";

/** A database shape both sides can be reduced to and compared. */
export type Shape = {
  enums: Record<string, string[]>;
  columns: Record<string, string>; // "Table.column" -> "type null|not null"
  indexes: string[]; // "Table(col,col) unique|index", then " where <predicate>" for a partial index
  foreignKeys: string[]; // "Table(col) -> Ref(col) on delete X"
};

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "int4",
  BigInt: "int8",
  Float: "float8",
  Boolean: "bool",
  DateTime: "timestamp(3)",
  Json: "jsonb",
  Bytes: "bytea",
  Decimal: "numeric",
};
const NATIVE_TYPES: Record<string, string> = { Date: "date", Timestamptz: "timestamptz", Text: "text", Uuid: "uuid" };
const ON_DELETE: Record<string, string> = {
  Cascade: "CASCADE",
  Restrict: "RESTRICT",
  SetNull: "SET NULL",
  NoAction: "NO ACTION",
  SetDefault: "SET DEFAULT",
};

/** Turns a partial index's predicate into the text Postgres prints for it, so both sides compare exactly. */
export type CanonicalPredicate = (table: string, predicate: string) => Promise<string>;

/**
 * `where: raw("…")` of each named index (partialIndexes preview): Prisma's DMMF has the
 * index but not its predicate, so it is read from the schema text.
 */
function partialIndexPredicates(schema: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of schema.split("\n")) {
    if (!/^\s*@@(index|unique)\(/.test(line) || !line.includes("where:")) continue;
    const name = /map:\s*"([^"]+)"/.exec(line)?.[1];
    const raw = /where:\s*raw\(("(?:[^"\\]|\\.)*")\)/.exec(line)?.[1];
    if (!name || !raw)
      throw new Error(`A partial index needs map: "<name>" and where: raw("…") on one line: ${line.trim()}`);
    found.set(name, JSON.parse(raw) as string);
  }
  return found;
}

/** What schema.prisma says the database must look like, following Prisma Migrate's conventions. */
export async function shapeFromPrismaSchema(schema: string, canonicalPredicate?: CanonicalPredicate): Promise<Shape> {
  const dmmf = await getDMMF({ datamodel: schema });
  if ("reason" in dmmf) throw new Error(`schema.prisma does not parse: ${dmmf.reason}`);
  const models = dmmf.datamodel.models;
  const tableOf = (name: string) => models.find((m) => m.name === name)?.dbName ?? name;
  const shape: Shape = { enums: {}, columns: {}, indexes: [], foreignKeys: [] };
  for (const e of dmmf.datamodel.enums) shape.enums[e.dbName ?? e.name] = e.values.map((v) => v.dbName ?? v.name);
  for (const model of models) {
    const table = model.dbName ?? model.name;
    const columnOf = (field: string) => model.fields.find((f) => f.name === field)?.dbName ?? field;
    for (const f of model.fields) {
      if (f.kind === "object") {
        if (f.relationFromFields?.length) {
          const target = models.find((m) => m.name === f.type)!;
          const toCols = (f.relationToFields ?? []).map((c) => target.fields.find((x) => x.name === c)?.dbName ?? c);
          const onDelete = ON_DELETE[f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull")];
          shape.foreignKeys.push(
            `${table}(${f.relationFromFields.map(columnOf).join(",")}) -> ${tableOf(f.type)}(${toCols.join(",")}) on delete ${onDelete}`,
          );
        }
        continue;
      }
      const native = f.nativeType?.[0];
      const base =
        f.kind === "enum" ? f.type : native ? (NATIVE_TYPES[native] ?? native.toLowerCase()) : SCALAR_TYPES[f.type];
      const type = f.isList ? `${base}[]` : base;
      // Prisma Migrate leaves list columns nullable.
      shape.columns[`${table}.${f.dbName ?? f.name}`] = `${type} ${f.isRequired && !f.isList ? "not null" : "null"}`;
    }
  }
  const predicates = partialIndexPredicates(schema);
  for (const idx of dmmf.datamodel.indexes) {
    const table = tableOf(idx.model);
    const model = models.find((m) => m.name === idx.model)!;
    const cols = idx.fields.map((f) => model.fields.find((x) => x.name === f.name)?.dbName ?? f.name);
    const predicate = idx.dbName ? predicates.get(idx.dbName) : undefined;
    if (predicate !== undefined && !canonicalPredicate)
      throw new Error(`Index ${idx.dbName} is partial: pass canonicalPredicate to compare it.`);
    const where = predicate !== undefined ? ` where ${await canonicalPredicate!(table, predicate)}` : "";
    shape.indexes.push(`${table}(${cols.join(",")}) ${idx.type === "normal" ? "index" : "unique"}${where}`);
  }
  return normalise(shape);
}

/** What the live database actually looks like. */
export async function shapeFromDatabase(url: string): Promise<Shape> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const shape: Shape = { enums: {}, columns: {}, indexes: [], foreignKeys: [] };
    const enums = await client.query<{ name: string; value: string }>(`
      SELECT t.typname AS name, e.enumlabel AS value FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder`);
    for (const r of enums.rows) (shape.enums[r.name] ??= []).push(r.value);
    const columns = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      udt_name: string;
      is_nullable: string;
      datetime_precision: number | null;
    }>(`
      SELECT table_name, column_name, data_type, udt_name, is_nullable, datetime_precision FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`);
    for (const c of columns.rows) {
      const isArray = c.data_type === "ARRAY";
      let type = isArray ? c.udt_name.slice(1) : c.udt_name;
      if (type === "timestamp" || type === "timestamptz")
        type =
          type === "timestamp" && c.datetime_precision === 3
            ? "timestamp(3)"
            : type === "timestamp"
              ? `timestamp(${c.datetime_precision})`
              : type;
      if (isArray) type += "[]";
      shape.columns[`${c.table_name}.${c.column_name}`] = `${type} ${c.is_nullable === "YES" ? "null" : "not null"}`;
    }
    const indexes = await client.query<{
      table: string;
      columns: string[];
      unique: boolean;
      predicate: string | null;
    }>(`
      SELECT t.relname AS table, ix.indisunique AS unique, pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
             array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
      FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`);
    for (const i of indexes.rows)
      shape.indexes.push(
        `${i.table}(${i.columns.join(",")}) ${i.unique ? "unique" : "index"}${i.predicate ? ` where ${i.predicate}` : ""}`,
      );
    const fks = await client.query<{ def: string; table: string }>(`
      SELECT c.conrelid::regclass::text AS table, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
      JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = 'public'`);
    for (const fk of fks.rows) {
      const m =
        /FOREIGN KEY \((.+?)\) REFERENCES (.+?)\((.+?)\)(?: ON UPDATE \w+)?(?: ON DELETE (SET NULL|CASCADE|RESTRICT|SET DEFAULT))?/.exec(
          fk.def,
        );
      if (!m) throw new Error(`Unrecognised foreign key: ${fk.def}`);
      const unquote = (s: string) => s.replace(/"/g, "").split(", ").join(",");
      shape.foreignKeys.push(
        `${unquote(fk.table)}(${unquote(m[1]!)}) -> ${unquote(m[2]!)}(${unquote(m[3]!)}) on delete ${m[4] ?? "NO ACTION"}`,
      );
    }
    return normalise(shape);
  } finally {
    await client.end();
  }
}

function normalise(shape: Shape): Shape {
  return {
    enums: Object.fromEntries(Object.entries(shape.enums).sort(([a], [b]) => a.localeCompare(b))),
    columns: Object.fromEntries(Object.entries(shape.columns).sort(([a], [b]) => a.localeCompare(b))),
    indexes: [...shape.indexes].sort(),
    foreignKeys: [...shape.foreignKeys].sort(),
  };
}

/**
 * Asks Postgres how it prints `predicate` on `table`: builds the index on an empty temporary
 * copy of the table (nothing locked, nothing left behind).
 */
export function canonicalPredicateIn(url: string): CanonicalPredicate {
  return async (table, predicate) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE TEMP TABLE predicate_probe (LIKE "${table}")`);
      await client.query(`CREATE INDEX predicate_probe_idx ON predicate_probe ((1)) WHERE ${predicate}`);
      const { rows } = await client.query<{ predicate: string }>(`
        SELECT pg_get_expr(ix.indpred, ix.indrelid) AS predicate FROM pg_index ix WHERE ix.indexrelid = 'predicate_probe_idx'::regclass`);
      return rows[0]!.predicate;
    } finally {
      await client.end();
    }
  };
}

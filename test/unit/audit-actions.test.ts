import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_ACTION_WORDS } from "@/lib/audit-search";

// Every action the code writes (quoted "kind.verb" on a line that names an action, in server/ and app/,
// plus those built from templates) has words on the Audit page: a new action without them fails here.
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sourceFiles(full);
    return /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

describe("audit actions in words", () => {
  it("every action written in the code has words", () => {
    const written = new Set<string>();
    for (const file of [...sourceFiles("server"), ...sourceFiles("app")])
      for (const line of readFileSync(file, "utf8").split("\n"))
        if (/action/.test(line))
          for (const m of line.matchAll(/"((?:study|user|reader|source|model|settings|audit)\.[a-z-]+)"/g))
            written.add(m[1]!);
    // Built from templates: study.ai-${verdict}, study.override-${kind}, settings.${key}.
    for (const a of ["study.ai-confirmed", "study.ai-dismissed", "study.override-pin", "study.override-target"])
      written.add(a);
    for (const key of ["priority", "worklist", "routing", "rvu", "drift"]) written.add(`settings.${key}`);
    expect(written.size).toBeGreaterThan(40);
    expect([...written].filter((a) => !AUDIT_ACTION_WORDS[a]).sort()).toEqual([]);
  });
});

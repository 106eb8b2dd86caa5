import { describe, expect, it } from "vitest";
import { areaOf, areaScores } from "@/scripts/mutation-scores";

const mutants = (statuses: Record<string, number>) =>
  Object.entries(statuses).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));

describe("mutation scores per area", () => {
  it("groups files by their folder under lib/ or server/, top-level lib files as lib", () => {
    expect(areaOf("lib/priority/engine.ts")).toBe("lib/priority");
    expect(areaOf("lib/dicom/codecs/jpeg.ts")).toBe("lib/dicom");
    expect(areaOf("lib/chair-scope.ts")).toBe("lib");
    expect(areaOf("server/worklist/claims.ts")).toBe("server/worklist");
  });

  it("scores detected over detected and undetected, leaving compile errors and ignored mutants out", () => {
    const { rows, total } = areaScores({
      files: {
        "lib/priority/engine.ts": { mutants: mutants({ Killed: 6, Timeout: 1, Survived: 2, NoCoverage: 1 }) },
        "lib/priority/sla.ts": { mutants: mutants({ Killed: 2, CompileError: 9, Ignored: 4, RuntimeError: 1 }) },
        "server/core/audit.ts": { mutants: mutants({ Survived: 1, Killed: 3 }) },
        "lib/csv.ts": { mutants: mutants({ CompileError: 2 }) },
      },
    });
    // By hand: lib/priority 9 detected of 12 = 75 %; server/core 3 of 4 = 75 %; all 12 of 16 = 75 %.
    expect(rows.map((r) => [r.area, r.killed, r.timeout, r.survived, r.noCoverage, r.score])).toEqual([
      ["lib", 0, 0, 0, 0, null],
      ["lib/priority", 8, 1, 2, 1, 75],
      ["server/core", 3, 0, 1, 0, 75],
    ]);
    expect(total.score).toBe(75);
    expect(total.killed).toBe(11);
  });
});

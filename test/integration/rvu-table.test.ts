import { beforeEach, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createCaller } from "@/server/api/root";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { getRvuTable } from "@/server/core/settings";
import { refreshAllOpenPriorities, refreshPriorities } from "@/server/worklist/refresh-priority";
import { STARTER_RVU_TABLE } from "@/lib/routing/rvu";
import type { CurrentUser } from "@/server/auth/current-user";

let admin: CurrentUser;
let source: string;

async function openStudy(modality: string, bodyPart: string) {
  const s = await testDb().study.create({
    data: {
      sourceId: source,
      studyInstanceUid: `1.2.826.66.${modality}.${bodyPart}`,
      patientId: "MRN1",
      modalities: [modality],
      bodyPart,
      orderPriority: "ROUTINE",
      firstSeenAt: new Date(),
    },
  });
  await refreshPriorities(testDb(), [s.id]);
  return s.id;
}
const rvuOf = async (id: string) => (await testDb().study.findUniqueOrThrow({ where: { id } })).workRvu;

beforeEach(async () => {
  await resetDatabase();
  admin = await makeUser(["admin"]);
  source = await makeOfflineSource();
});

describe("RVU table", () => {
  it("an admin imports a CSV: rows replaced, default kept, audited, and open studies re-weighed", async () => {
    const head = await openStudy("CT", "HEAD");
    const knee = await openStudy("MR", "KNEE");
    expect(await rvuOf(head)).toBe(0.85); // the starter table's CT HEAD row (CMS 70450)
    const caller = createCaller({ db: testDb(), user: admin });
    const table = await caller.settings.importRvuCsv({
      csv: "modality,body_part,rvu,note\nCT,HEAD,2.5,our CT head\nMR,,3,any MR\n",
    });
    expect(table).toEqual({
      defaultRvu: STARTER_RVU_TABLE.defaultRvu,
      rows: [
        { modality: "CT", bodyPart: "HEAD", rvu: 2.5, note: "our CT head" },
        { modality: "MR", bodyPart: null, rvu: 3, note: "any MR" },
      ],
    });
    expect(await caller.settings.rvu()).toEqual(table);
    expect(await testDb().auditEvent.findFirst({ where: { action: "settings.rvu" } })).toMatchObject({
      actorId: admin.id,
    });
    // What the workers do on the settings NOTIFY.
    await refreshAllOpenPriorities(testDb());
    expect(await rvuOf(head)).toBe(2.5);
    expect(await rvuOf(knee)).toBe(3);
  });

  it("a bad file saves nothing and says which lines are wrong", async () => {
    const caller = createCaller({ db: testDb(), user: admin });
    const error = await caller.settings
      .importRvuCsv({ csv: "modality,body_part,rvu\nCT,HEAD,1\nCT,head,2\nMR,,lots\n" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toBe(
      'Nothing imported. line 3: CT HEAD is already on line 2; line 4: rvu "lots" is not a number',
    );
    expect(await getRvuTable(testDb(), { fresh: true })).toEqual(STARTER_RVU_TABLE);
    expect(await testDb().auditEvent.count({ where: { action: "settings.rvu" } })).toBe(0);
    await expect(caller.settings.importRvuCsv({ csv: "modality,body_part,rvu\n" })).rejects.toThrow("no rows");
  });

  it("an edited table with a row listed twice is refused", async () => {
    const caller = createCaller({ db: testDb(), user: admin });
    await expect(
      caller.settings.saveRvu({
        defaultRvu: 1,
        rows: [
          { modality: "CT", bodyPart: "HEAD", rvu: 1, note: "" },
          { modality: "CT", bodyPart: "HEAD", rvu: 2, note: "" },
        ],
      }),
    ).rejects.toThrow("CT HEAD is listed twice");
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { makeOfflineSource, makeUser, resetDatabase, testDb } from "../support/db";
import { allReaderAccess, readerAccess } from "@/server/routing/reader-access";

beforeEach(async () => {
  await resetDatabase();
});

describe("every reader's access (the snapshot's one read)", () => {
  it("reads each enabled radiologist's profile, groups with privileges, shift's groups and credentials, by name", async () => {
    const db = testDb();
    const north = await makeOfflineSource();
    const south = await makeOfflineSource();
    const named = async (name: string, roles: Parameters<typeof makeUser>[0], disabled = false) => {
      const u = await makeUser(roles);
      await db.user.update({ where: { id: u.id }, data: { name, disabled } });
      return u.id;
    };
    // Three readers whose names sort opposite to their ids (so only an order by name passes).
    const [casey, blake, avery] = (
      await Promise.all([makeUser(["radiologist"]), makeUser(["radiologist", "chair"]), makeUser(["radiologist"])])
    )
      .map((u) => u.id)
      .sort();
    for (const [id, name] of [
      [casey, "Casey"],
      [blake, "Blake"],
      [avery, "Avery"],
    ] as const)
      await db.user.update({ where: { id: id! }, data: { name } });
    await named("Dana", ["radiologist"], true); // disabled
    await named("Emery", ["scheduler"]); // not a reader

    // Avery: no profile at all (an attending on duty in no group). Blake: a trainee off duty with
    // a cap, two groups (one limited to CT and MR of the head) and two credentials. Casey: on a
    // shift covering body only, so neuro does not count.
    await db.readerProfile.create({ data: { userId: blake!, trainee: true, onDuty: false, capRvu: 12.5 } });
    await db.readerGroupMembership.createMany({
      data: [
        { userId: blake!, groupKey: "neuro", modalities: ["CT", "MR"], bodyParts: ["HEAD"] },
        { userId: blake!, groupKey: "body", modalities: [], bodyParts: [] },
        { userId: casey!, groupKey: "neuro", modalities: [], bodyParts: [] },
        { userId: casey!, groupKey: "body", modalities: ["CT"], bodyParts: [] },
      ],
    });
    await db.readerCredential.createMany({
      data: [
        { userId: blake!, sourceId: north, expiresOn: new Date("2027-03-31T00:00:00Z") },
        { userId: blake!, sourceId: south, expiresOn: null },
      ],
    });
    await db.readerProfile.create({ data: { userId: casey!, shiftGroups: ["body"] } });

    const got = await allReaderAccess(db);
    expect(got.map((r) => r.name)).toEqual(["Avery", "Blake", "Casey"]);
    expect(got[0]).toEqual({
      userId: avery!,
      name: "Avery",
      trainee: false,
      onDuty: true,
      memberships: [],
      credentials: [],
      capRvu: null,
    });
    expect(got[1]).toEqual({
      userId: blake!,
      name: "Blake",
      trainee: true,
      onDuty: false,
      memberships: expect.arrayContaining([
        { group: "neuro", modalities: ["CT", "MR"], bodyParts: ["HEAD"] },
        { group: "body", modalities: [], bodyParts: [] },
      ]),
      credentials: expect.arrayContaining([
        { sourceId: north, expiresOn: new Date("2027-03-31T00:00:00Z") },
        { sourceId: south, expiresOn: null },
      ]),
      capRvu: 12.5,
    });
    expect(got[1]!.memberships).toHaveLength(2);
    expect(got[1]!.credentials).toHaveLength(2);
    expect(got[2]).toEqual({
      userId: casey!,
      name: "Casey",
      trainee: false,
      onDuty: true,
      memberships: [{ group: "body", modalities: ["CT"], bodyParts: [] }],
      credentials: [],
      capRvu: null,
    });
  });

  it("reads one user's access by id, whatever their roles; an unknown id is none", async () => {
    const db = testDb();
    const source = await makeOfflineSource();
    const u = await makeUser(["scheduler"]);
    await db.user.update({ where: { id: u.id }, data: { name: "Frankie", disabled: true } });
    await db.readerProfile.create({ data: { userId: u.id, onDuty: false, capRvu: 3 } });
    await db.readerGroupMembership.create({
      data: { userId: u.id, groupKey: "chest", modalities: ["CR"], bodyParts: [] },
    });
    await db.readerCredential.create({
      data: { userId: u.id, sourceId: source, expiresOn: new Date("2026-01-15T00:00:00Z") },
    });
    expect(await readerAccess(db, u.id)).toEqual({
      userId: u.id,
      name: "Frankie",
      trainee: false,
      onDuty: false,
      memberships: [{ group: "chest", modalities: ["CR"], bodyParts: [] }],
      credentials: [{ sourceId: source, expiresOn: new Date("2026-01-15T00:00:00Z") }],
      capRvu: 3,
    });
    expect(await readerAccess(db, "no-such-user")).toBeNull();
  });
});

// PACS passwords and tokens at rest: sealed in the database, opened only to talk to the PACS,
// plain values from before sealing sealed at start-up, a key rotation re-seals, and a missing or
// wrong key stops start-up with a message that says what to do.
import { spawnSync } from "node:child_process";
import { beforeEach, describe, expect, it } from "vitest";
import { keyId, openSecret, sealSecret, SecretKeyError } from "@/server/core/secret-box";
import { sealSourceSecrets } from "@/server/pacs/source-secrets";
import { createSource, updateSource } from "@/server/pacs/pacs-sources";
import { sourceConfigFromRow } from "@/server/pacs/source-config";
import { makeUser, orthancSource, resetDatabase, testDb } from "../support/db";

const KEY = process.env.SECRETS_KEY!;
const OTHER_KEY = "another-key-another-key-another-key-0000";

async function storedSecret(id: string): Promise<string | null> {
  const [row] = await testDb().$queryRaw<{ secret: string | null }[]>`SELECT secret FROM "PacsSource" WHERE id = ${id}`;
  return row!.secret;
}

async function rawSource(name: string, secret: string): Promise<string> {
  const source = await createSource(testDb(), null, orthancSource(name, "http://127.0.0.1:9/dicom-web"));
  await testDb().$executeRaw`UPDATE "PacsSource" SET "authType" = 'bearer', secret = ${secret} WHERE id = ${source.id}`;
  return source.id;
}

function migrate(env: Record<string, string | undefined>) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/db-migrate.ts"], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

beforeEach(() => resetDatabase());

describe("PACS credentials at rest", () => {
  it("a password saved on the admin page is stored sealed, and the adapter gets it back", async () => {
    const admin = await makeUser(["admin"]);
    const input = orthancSource("secured", "http://127.0.0.1:9/dicom-web", {
      authType: "basic",
      username: "reader",
      secret: "s3cret-pass",
    });
    const source = await createSource(testDb(), admin.id, input);
    const stored = await storedSecret(source.id);
    expect(stored).toMatch(new RegExp(`^rn1\\.${keyId(KEY)}\\.`));
    expect(stored).not.toContain("s3cret-pass");
    const row = await testDb().pacsSource.findUniqueOrThrow({ where: { id: source.id } });
    expect(sourceConfigFromRow(row).auth).toEqual({ type: "basic", username: "reader", password: "s3cret-pass" });

    // Editing without a new password keeps the sealed one; a new token is sealed too.
    await updateSource(testDb(), admin.id, source.id, { ...input, secret: undefined, timeoutMs: 5000 });
    expect(await storedSecret(source.id)).toBe(stored);
    await updateSource(testDb(), admin.id, source.id, { ...input, authType: "bearer", secret: "tok-123" });
    expect(openSecret((await storedSecret(source.id))!)).toBe("tok-123");
    expect(await storedSecret(source.id)).not.toContain("tok-123");
    // No credentials: nothing stored.
    await updateSource(testDb(), admin.id, source.id, { ...input, authType: "none", secret: "ignored" });
    expect(await storedSecret(source.id)).toBeNull();
  });

  it("start-up seals values stored in plain text and re-seals those under the previous key", async () => {
    const plain = await rawSource("from an older version", "plain-token");
    const rotated = await rawSource("rotation", sealSecret("old-token", { current: OTHER_KEY }));
    const current = await rawSource("already sealed", sealSecret("current-token", { current: KEY }));
    const before = await storedSecret(current);

    expect(await sealSourceSecrets(testDb(), { current: KEY, previous: OTHER_KEY })).toEqual({
      sealed: 1,
      resealed: 1,
    });
    for (const [id, token] of [
      [plain, "plain-token"],
      [rotated, "old-token"],
      [current, "current-token"],
    ] as const) {
      const stored = (await storedSecret(id))!;
      expect(stored.split(".")[1]).toBe(keyId(KEY));
      expect(openSecret(stored, { current: KEY })).toBe(token);
    }
    expect(await storedSecret(current)).toBe(before);
    // Run again: nothing left to do.
    expect(await sealSourceSecrets(testDb(), { current: KEY })).toEqual({ sealed: 0, resealed: 0 });
  });

  it("a value no key opens stops start-up, naming the source and both keys", async () => {
    await rawSource("Radiology PACS", sealSecret("token", { current: OTHER_KEY }));
    const error = await sealSourceSecrets(testDb(), { current: KEY }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretKeyError);
    expect((error as Error).message).toContain('PACS source "Radiology PACS"');
    expect((error as Error).message).toContain(keyId(OTHER_KEY));
    expect((error as Error).message).toContain(keyId(KEY));
  });

  it("npm run db:migrate: a wrong key or, in production, no key is a clear error; the right key seals", async () => {
    const id = await rawSource("Radiology PACS", "plain-token");
    await testDb()
      .$executeRaw`UPDATE "PacsSource" SET secret = ${sealSecret("token", { current: OTHER_KEY })} WHERE id = ${id}`;
    const wrong = migrate({ SECRETS_KEY: KEY });
    expect(wrong.status, wrong.stderr).toBe(1);
    expect(wrong.stderr).toMatch(/PACS source "Radiology PACS".*sealed with key/);

    const missing = migrate({ SECRETS_KEY: "", NODE_ENV: "production" });
    expect(missing.status, missing.stderr).toBe(1);
    expect(missing.stderr).toContain("SECRETS_KEY is not set");

    // Rotation: old key as SECRETS_KEY_PREVIOUS, new one as SECRETS_KEY.
    const rotate = migrate({ SECRETS_KEY: KEY, SECRETS_KEY_PREVIOUS: OTHER_KEY });
    expect(rotate.status, rotate.stderr).toBe(0);
    expect(rotate.stdout).toContain("Sealed 1 stored PACS credential");
    expect(openSecret((await storedSecret(id))!, { current: KEY })).toBe("token");
  });
});

import { createDecipheriv, hkdfSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSealed, keyId, openSecret, sealSecret, sealedWith, SecretKeyError } from "@/server/core/secret-box";

const KEY_A = "key-a-key-a-key-a-key-a-key-a-key-a-0001";
const KEY_B = "key-b-key-b-key-b-key-b-key-b-key-b-0002";

// Opens a sealed value by the documented format alone (rn1.<key id>.<iv>.<tag>.<ciphertext>,
// AES-256-GCM under HKDF-SHA256(key, info "readnext secrets v1")): an independent reading.
function openByHand(sealed: string, key: string): string {
  const [format, , iv, tag, body] = sealed.split(".");
  expect(format).toBe("rn1");
  const aes = Buffer.from(hkdfSync("sha256", key, "", "readnext secrets v1", 32));
  const decipher = createDecipheriv("aes-256-gcm", aes, Buffer.from(iv!, "base64url"));
  decipher.setAuthTag(Buffer.from(tag!, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body!, "base64url")), decipher.final()]).toString("utf8");
}

describe("sealing stored credentials", () => {
  it("seals with AES-256-GCM in the documented format, and opens again", () => {
    const plain = "s3cret-pässword with spaces";
    const sealed = sealSecret(plain, { current: KEY_A });
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain(plain);
    expect(sealed).not.toContain(Buffer.from(plain).toString("base64url"));
    expect(openByHand(sealed, KEY_A)).toBe(plain);
    expect(openSecret(sealed, { current: KEY_A })).toBe(plain);
  });

  it("never seals the same value the same way twice (a fresh IV each time)", () => {
    const a = sealSecret("token", { current: KEY_A });
    const b = sealSecret("token", { current: KEY_A });
    expect(a).not.toBe(b);
    expect(a.split(".")[2]).not.toBe(b.split(".")[2]);
  });

  it("names the key: a key id is 8 hex digits, different per key, the same for the same key", () => {
    expect(keyId(KEY_A)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyId(KEY_A)).toBe(keyId(KEY_A));
    expect(keyId(KEY_A)).not.toBe(keyId(KEY_B));
    expect(sealSecret("x", { current: KEY_A }).split(".")[1]).toBe(keyId(KEY_A));
  });

  it("a wrong key is refused with both key ids named, never garbage", () => {
    const sealed = sealSecret("token", { current: KEY_A });
    const error = (() => {
      try {
        openSecret(sealed, { current: KEY_B });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SecretKeyError);
    expect((error as Error).message).toContain(keyId(KEY_A));
    expect((error as Error).message).toContain(keyId(KEY_B));
    expect((error as Error).message).toMatch(/SECRETS_KEY_PREVIOUS/);
  });

  it("during a rotation the previous key still opens what it sealed, and says so", () => {
    const old = sealSecret("token", { current: KEY_A });
    const keys = { current: KEY_B, previous: KEY_A };
    expect(sealedWith(old, keys)).toBe("previous");
    expect(openSecret(old, keys)).toBe("token");
    expect(sealedWith(sealSecret("token", keys), keys)).toBe("current");
    expect(sealedWith(old, { current: KEY_B })).toBeNull();
  });

  it("an altered or cut value does not open", () => {
    const sealed = sealSecret("a much longer token value", { current: KEY_A });
    const parts = sealed.split(".");
    const body = Buffer.from(parts[4]!, "base64url");
    body[0] = body[0]! ^ 1;
    const flipped = [...parts.slice(0, 4), body.toString("base64url")].join(".");
    expect(() => openSecret(flipped, { current: KEY_A })).toThrow(/altered or cut short/);
    expect(() => openSecret(parts.slice(0, 4).join("."), { current: KEY_A })).toThrow(SecretKeyError);
    // A same-key-id value whose tag was swapped for another value's.
    const other = sealSecret("other", { current: KEY_A }).split(".");
    expect(() => openSecret([...parts.slice(0, 3), other[3], parts[4]].join("."), { current: KEY_A })).toThrow(
      /altered/,
    );
  });

  it("a value stored in plain text is not taken for a sealed one", () => {
    expect(isSealed("plain-password")).toBe(false);
    expect(isSealed("rn1")).toBe(false);
    expect(() => openSecret("plain-password", { current: KEY_A })).toThrow(/not sealed/);
  });
});

// Credentials ReadNext must store (PACS passwords and tokens) are sealed at rest with AES-256-GCM
// under a key from the environment: a copy of the database alone does not give away the PACS.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { env } from "../env";

export type SecretKeys = {
  /** Seals new values; opens values sealed with it. */
  current: string;
  /** During a key rotation: still opens values sealed with it, until they are sealed again. */
  previous?: string;
};

/** A key that cannot open a stored value, or no key at all: a start-up error with what to do. */
export class SecretKeyError extends Error {}

const FORMAT = "rn1";
const DEVELOPMENT_KEY = "readnext-development-only-secrets-key-not-for-production";

function aesKey(key: string): Buffer {
  return Buffer.from(hkdfSync("sha256", key, "", "readnext secrets v1", 32));
}

/** A short public fingerprint of a key, stored with each value so a wrong key is named, not guessed. */
export function keyId(key: string): string {
  return createHash("sha256").update(`readnext key id\0${key}`).digest("hex").slice(0, 8);
}

export function isSealed(value: string): boolean {
  return value.startsWith(`${FORMAT}.`);
}

export function sealSecret(plain: string, keys: SecretKeys = secretKeys()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", aesKey(keys.current), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url"));
  return [FORMAT, keyId(keys.current), ...parts].join(".");
}

/** Which of the keys sealed this value: "current", "previous", or null for neither. */
export function sealedWith(sealed: string, keys: SecretKeys): "current" | "previous" | null {
  const id = sealed.split(".")[1];
  if (id === keyId(keys.current)) return "current";
  if (keys.previous && id === keyId(keys.previous)) return "previous";
  return null;
}

export function openSecret(sealed: string, keys: SecretKeys = secretKeys()): string {
  if (!isSealed(sealed))
    throw new SecretKeyError(
      "A stored credential is not sealed; run `npm run db:migrate` (or `npm start`) to seal it.",
    );
  const [, id, iv, tag, body] = sealed.split(".");
  const which = sealedWith(sealed, keys);
  if (!which)
    throw new SecretKeyError(
      `A stored credential was sealed with key ${id}, but SECRETS_KEY is key ${keyId(keys.current)}` +
        `${keys.previous ? ` and SECRETS_KEY_PREVIOUS key ${keyId(keys.previous)}` : ""}. ` +
        "Start with the key it was sealed with (to change keys, set the old one as SECRETS_KEY_PREVIOUS).",
    );
  try {
    const decipher = createDecipheriv(
      "aes-256-gcm",
      aesKey(which === "current" ? keys.current : keys.previous!),
      Buffer.from(iv!, "base64url"),
    );
    decipher.setAuthTag(Buffer.from(tag!, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body!, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretKeyError(`A stored credential sealed with key ${id} does not open: it was altered or cut short.`);
  }
}

/** The keys from SECRETS_KEY (and SECRETS_KEY_PREVIOUS). Missing in production: a clear error. */
export function secretKeys(): SecretKeys {
  const { SECRETS_KEY, SECRETS_KEY_PREVIOUS, NODE_ENV } = env();
  const current = SECRETS_KEY ?? (NODE_ENV === "production" ? undefined : DEVELOPMENT_KEY);
  if (!current)
    throw new SecretKeyError(
      "SECRETS_KEY is not set: start with `npm start` (which generates one into DATA_DIR) or set it (32+ characters).",
    );
  return { current, ...(SECRETS_KEY_PREVIOUS ? { previous: SECRETS_KEY_PREVIOUS } : {}) };
}

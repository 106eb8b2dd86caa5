import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** A per-installation secret (session signing, credential sealing), generated once into DATA_DIR/<file>. */
export function ensureGeneratedSecret(dataDir: string, file: "auth-secret" | "secrets-key"): string {
  const full = path.join(dataDir, file);
  if (existsSync(full)) return readFileSync(full, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(full, secret, { mode: 0o600 });
  return secret;
}

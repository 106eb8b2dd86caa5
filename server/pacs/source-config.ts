import { z } from "zod";
import { openSecret } from "../core/secret-box";

/** Capability flags per server, in the spirit of OHIF's DICOMweb data source. */
export const pacsCapabilitiesSchema = z.object({
  /** QIDO honours includefield (else only default attributes come back). */
  includeField: z.boolean().default(true),
  /** WADO-RS transcodes frames to explicit little endian on request. */
  transcoding: z.boolean().default(true),
  /** Orthanc's REST change feed (/changes) is reachable next to the DICOMweb root: fast intake. */
  orthancChangeFeed: z.boolean().default(false),
});
export type PacsCapabilities = z.infer<typeof pacsCapabilitiesSchema>;

export type PacsAuth =
  { type: "none" } | { type: "basic"; username: string; password: string } | { type: "bearer"; token: string };

export type PacsSourceConfig = {
  id: string;
  name: string;
  baseUrl: string;
  qidoRoot?: string | null;
  wadoRoot?: string | null;
  stowRoot?: string | null;
  auth: PacsAuth;
  timeoutMs: number;
  capabilities: PacsCapabilities;
};

type SourceRow = {
  id: string;
  name: string;
  baseUrl: string;
  qidoRoot: string | null;
  wadoRoot: string | null;
  stowRoot: string | null;
  authType: "none" | "basic" | "bearer";
  username: string | null;
  /** Sealed (server/core/secret-box.ts), as stored. */
  secret: string | null;
  timeoutMs: number;
  capabilities: unknown;
};

/**
 * Turns a stored source into adapter settings; unknown capability keys are ignored, missing ones
 * defaulted. The password or token is opened here, just before use.
 */
export function sourceConfigFromRow(row: SourceRow): PacsSourceConfig {
  const secret = () => (row.secret ? openSecret(row.secret) : "");
  const auth: PacsAuth =
    row.authType === "basic"
      ? { type: "basic", username: row.username ?? "", password: secret() }
      : row.authType === "bearer"
        ? { type: "bearer", token: secret() }
        : { type: "none" };
  const parsed = pacsCapabilitiesSchema.safeParse(row.capabilities ?? {});
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.baseUrl.replace(/\/+$/, ""),
    qidoRoot: row.qidoRoot,
    wadoRoot: row.wadoRoot,
    stowRoot: row.stowRoot,
    auth,
    timeoutMs: row.timeoutMs,
    capabilities: parsed.success ? parsed.data : pacsCapabilitiesSchema.parse({}),
  };
}

/** Settings for a bare DICOMweb URL (demo loader, STOW tools, tests): default capabilities, optional auth. */
export function configForUrl(
  baseUrl: string,
  options: { name?: string; timeoutMs?: number; auth?: PacsAuth } = {},
): PacsSourceConfig {
  return {
    id: options.name ?? baseUrl,
    name: options.name ?? baseUrl,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    qidoRoot: null,
    wadoRoot: null,
    stowRoot: null,
    auth: options.auth ?? { type: "none" },
    timeoutMs: options.timeoutMs ?? 60_000,
    capabilities: pacsCapabilitiesSchema.parse({}),
  };
}

/** The Authorization header for a source's credentials, if any. */
export function authorizationHeader(auth: PacsAuth): Record<string, string> {
  if (auth.type === "basic")
    return { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` };
  if (auth.type === "bearer") return { Authorization: `Bearer ${auth.token}` };
  return {};
}

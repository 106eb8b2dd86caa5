import { z } from "zod";
import { parseRoleMap } from "../lib/auth/sso-roles";

/** Where Debian's `orthanc` package puts the server (ORTHANC_BINARY's default; `npm start` installs it only for this path). */
export const DEBIAN_ORTHANC_BINARY = "/usr/sbin/Orthanc";

/**
 * The one place that reads process.env. Validated once, at first use, so a bad
 * value fails start-up with a message naming the variable instead of failing later.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** Postgres to use. Unset: an embedded Postgres is started under DATA_DIR. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /**
   * Where LISTEN connections go (one per web process, a few per worker), when DATABASE_URL is a
   * transaction-mode pooler that cannot carry LISTEN. Unset: DATABASE_URL.
   */
  DATABASE_LISTEN_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /**
   * A read replica the chair's history views read from (throughput, turnaround, SLA, reading by
   * reader, hourly load, AI accuracy, the what-if's last 30 days), so they do not load the primary.
   * The scheduler's backlog and at-risk lists stay on DATABASE_URL: they are acted on now. Unset: DATABASE_URL.
   */
  DATABASE_REPORTS_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /**
   * Connections each ReadNext process keeps to Postgres (pg-boss keeps its own few in workers).
   * Mind Postgres' max_connections across all web and worker processes.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Where embedded Postgres, the demo PACS and generated secrets keep their files. */
  DATA_DIR: z.string().min(1).default(".data"),
  /** Port of the embedded Postgres (chosen not to clash with a system Postgres on 5432). */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  /** Address the web server binds to. Loopback by default: the demo accounts have public passwords. */
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Port the web server listens on. */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Public URL of the web app, used by sign-in for cookies and origin checks. */
  BETTER_AUTH_URL: z.url().default("http://localhost:3000"),
  /** Signs session cookies. Unset: `npm start` generates one into DATA_DIR. */
  BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /**
   * Seals PACS passwords and tokens stored in the database (AES-256-GCM); 32+ characters.
   * Unset: `npm start` generates one into DATA_DIR/secrets-key. Keep it with the database's backups.
   */
  SECRETS_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  /** The key being replaced during a rotation: still opens what it sealed until start-up seals it again. */
  SECRETS_KEY_PREVIOUS: z.string().min(32, "must be at least 32 characters").optional(),
  /**
   * Minutes without a key press or click after which a session ends (shared reading-room
   * workstations); a warning shows a minute before. 0 turns idle logout off.
   */
  IDLE_LOGOUT_MINUTES: z.coerce.number().min(0).max(720).default(30),
  /**
   * Single sign-on through the hospital's OpenID Connect provider: its issuer URL (discovery at
   * <issuer>/.well-known/openid-configuration). Unset: local accounts only.
   */
  OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  /** ReadNext's client at the provider (confidential client, authorization code flow). */
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The sign-in button says "Sign in with <this>". */
  OIDC_DISPLAY_NAME: z.string().min(1).max(60).default("hospital sign-in"),
  /** Scopes asked for (space-separated); add the one your provider needs for the roles claim, e.g. "groups". */
  OIDC_SCOPES: z.string().min(1).default("openid profile email"),
  /** The ID token claim holding the user's groups; a dotted name reaches into objects (Keycloak: realm_access.roles). */
  OIDC_ROLES_CLAIM: z.string().min(1).default("groups"),
  /**
   * Which ReadNext roles each group gives: "group=role,group=role" (";" between pairs when group
   * names hold commas). Roles: radiologist, chair, scheduler, admin. Set at every SSO sign-in.
   */
  OIDC_ROLE_MAP: z.string().optional(),
  /** Sign-in attempts allowed per client address per minute (brute-force protection). */
  AUTH_SIGNIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  /** The hospital PACS's DICOMweb root. Unset: `npm start` runs a local demo Orthanc with synthetic studies. */
  DICOMWEB_URL: z.url().optional(),
  /** Display name of the DICOMWEB_URL source. */
  DICOMWEB_NAME: z.string().min(1).max(100).default("Default PACS"),
  DICOMWEB_AUTH: z.enum(["none", "basic", "bearer"]).default("none"),
  DICOMWEB_USERNAME: z.string().optional(),
  DICOMWEB_PASSWORD: z.string().optional(),
  DICOMWEB_TOKEN: z.string().optional(),
  /** The DICOMWEB_URL server is Orthanc and its REST change feed (/changes) may be used for fast intake. */
  DICOMWEB_ORTHANC_CHANGES: z.stringbool().default(false),
  /** Loopback port of the demo Orthanc (used only when DICOMWEB_URL is unset). */
  DEMO_PACS_PORT: z.coerce.number().int().min(1024).max(65535).default(8742),
  /** The Orthanc server binary the demo PACS (and the tests) run; Debian's by default, e.g. a macOS build's path elsewhere. */
  ORTHANC_BINARY: z.string().min(1).default(DEBIAN_ORTHANC_BINARY),
  /** Orthanc's DICOMweb plugin (a shared library) loaded into that Orthanc. */
  ORTHANC_DICOMWEB_PLUGIN: z.string().min(1).default("/usr/share/orthanc/plugins/libOrthancDicomWeb.so"),
  /** Synthetic studies loaded into an empty demo PACS. */
  DEMO_STUDIES: z.coerce.number().int().min(0).max(500).default(40),
  /** A new synthetic study arrives in the demo PACS every this many seconds (0: never). */
  DEMO_TRICKLE_SECONDS: z.coerce.number().int().min(0).default(120),
  /** How often workers look at sources (change feeds, due sweeps), in milliseconds. */
  INGEST_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(250),
  /** Every this many hours one QIDO sweep per source looks back its backfillDays (late studies with old dates); 0: never. */
  DEEP_SWEEP_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 30)
    .default(6),
  /** The department's time zone (IANA name): the chair's days run midnight to midnight here, DST included. */
  DEPARTMENT_TIME_ZONE: z
    .string()
    .default("UTC")
    .refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat("en", { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { message: "must be an IANA time zone such as Europe/Berlin or America/New_York" },
    ),
  /** Bearer token the RIS / reporting system uses to mark studies read (POST /api/ris/read). Unset: endpoint off. */
  RIS_API_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Port of the HL7 v2 listener (MLLP) for orders from the RIS. Unset: no listener. */
  HL7_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Address the HL7 listener binds to: loopback by default; the interface the RIS or interface engine reaches in production. */
  HL7_HOST: z.string().min(1).default("127.0.0.1"),
  /** Largest HL7 message accepted, in bytes; a larger one closes its connection (logged, kept for the admin page). */
  HL7_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** A message begun but not ended (FS CR) within this many seconds closes its connection. */
  HL7_FRAME_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Folder holding one sub-folder per model (manifest.json + model.onnx), loaded by every worker at start. */
  MODELS_DIR: z.string().min(1).default("models"),
  /** Score jobs one worker process runs at once. */
  SCORING_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Shadow-mode score jobs one worker runs at once, on a queue of their own: they never hold up live verdicts. */
  SHADOW_SCORING_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(1),
  /**
   * How a model id the workers have never seen starts: live (orders the worklist at once, as the
   * demo wants) or shadow (scored and compared only, until an admin promotes it). A new version
   * of a model that already has one always starts in shadow.
   */
  NEW_MODEL_MODE: z.enum(["live", "shadow"]).default("live"),
  /**
   * onnxruntime intra-op threads per model (each model infers in a thread of its own while
   * the worker's main thread prepares the next batch). 1 suits a small machine; give more
   * where cores outnumber SCORING_CONCURRENCY + 1.
   */
  SCORING_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  /** onnxruntime execution provider: cpu, or cuda where the CUDA build and a GPU are present. */
  SCORING_EXECUTION_PROVIDER: z.enum(["cpu", "cuda"]).default("cpu"),
  /** A score job taking longer than this fails (and is retried); a worker killed mid-job loses its claim after this plus a margin. */
  SCORING_JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  /** Retries of a score job after a transient failure (PACS timeout, 5xx), with exponential backoff. */
  SCORING_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(3),
  /** First retry delay in seconds (doubles each time, with jitter). */
  SCORING_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  /** How often the queue looks for jobs whose worker died (and archives old ones), in seconds. */
  QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** POSTed (JSON, HMAC-SHA256 signed) for every critical AI finding, retried. Unset: no webhook. */
  CRITICAL_WEBHOOK_URL: z.url().optional(),
  /** Shared secret for the webhook signature (X-ReadNext-Signature). Required with CRITICAL_WEBHOOK_URL. */
  CRITICAL_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** Bearer token for GET /metrics (Prometheus). Unset: /metrics answers anyone who can reach the server. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Level for server logs (pino). */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
});

export type Env = z.infer<typeof envSchema>;

/** Every variable ReadNext reads; .env.example must document each (a test checks). */
export const ENV_KEYS = Object.keys(envSchema.shape);

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Treat empty strings as unset, as .env files commonly leave them.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema
    .superRefine((e, ctx) => {
      if (e.DICOMWEB_AUTH === "basic" && (!e.DICOMWEB_USERNAME || e.DICOMWEB_PASSWORD === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: ["DICOMWEB_USERNAME"],
          message: "DICOMWEB_AUTH=basic needs DICOMWEB_USERNAME and DICOMWEB_PASSWORD",
        });
      }
      if (e.CRITICAL_WEBHOOK_URL && !e.CRITICAL_WEBHOOK_SECRET) {
        ctx.addIssue({
          code: "custom",
          path: ["CRITICAL_WEBHOOK_SECRET"],
          message: "CRITICAL_WEBHOOK_URL needs CRITICAL_WEBHOOK_SECRET to sign its requests",
        });
      }
      if (e.OIDC_ISSUER) {
        for (const key of ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ROLE_MAP"] as const)
          if (!e[key]) ctx.addIssue({ code: "custom", path: [key], message: `OIDC_ISSUER needs ${key}` });
      }
      if (e.OIDC_ROLE_MAP) {
        try {
          parseRoleMap(e.OIDC_ROLE_MAP);
        } catch (error) {
          ctx.addIssue({ code: "custom", path: ["OIDC_ROLE_MAP"], message: (error as Error).message });
        }
      }
      if (e.DICOMWEB_AUTH === "bearer" && !e.DICOMWEB_TOKEN) {
        ctx.addIssue({
          code: "custom",
          path: ["DICOMWEB_TOKEN"],
          message: "DICOMWEB_AUTH=bearer needs DICOMWEB_TOKEN",
        });
      }
    })
    .safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(
      `Invalid environment configuration:\n${lines.join("\n")}\nSee .env.example for every variable and its default.`,
    );
  }
  return result.data;
}

let cached: Env | undefined;

/** `npm start` fills in a secret it generated into DATA_DIR, for itself and the processes it starts. */
export function adoptGeneratedSecret(name: "BETTER_AUTH_SECRET" | "SECRETS_KEY", value: string): void {
  process.env[name] = value;
  cached = undefined;
}

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

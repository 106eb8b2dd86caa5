import { log as rootLog } from "./log";

type Logger = Pick<typeof rootLog, "warn" | "info" | "debug">;

/** While a failure repeats, at most one line per this many milliseconds says so. */
const REPEAT_LINE_MS = 60_000;

/**
 * The reason in an error message: its last non-empty line. Prisma's messages start with
 * "Invalid `prisma.x()` invocation:" and end with the reason ("Can't reach database server at …"),
 * quoted after "Message:" for a raw query.
 */
export function failureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const last = message
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1);
  if (!last) return error instanceof Error ? error.name : "unknown error";
  return /Message: `(.+)`$/.exec(last)?.[1] ?? last;
}

export type RepeatedFailureLog = {
  /** The loop's attempt failed. */
  failed: (error: unknown, fields?: Record<string, unknown>) => void;
  /** The loop's attempt worked: ends a run of failures with one line. */
  succeeded: () => void;
};

/**
 * Logging for a loop that retries every tick (the worker's watch, heartbeat, dispatch …): while
 * something is away, such as the database, each would log its error several times a second. The
 * first failure is logged with its reason; while it keeps failing with the same reason, one line a
 * minute counts the failures since the last line; a new reason is logged at once; and the first
 * success says how many failed and for how long. `what` names the activity ("scoring dispatch").
 */
export function repeatedFailureLog(
  what: string,
  options: { logger?: Logger; now?: () => number; everyMs?: number } = {},
): RepeatedFailureLog {
  const logger = options.logger ?? rootLog;
  const now = options.now ?? Date.now;
  const everyMs = options.everyMs ?? REPEAT_LINE_MS;
  let failures = 0;
  let unsaid = 0;
  let since = 0;
  let saidAt = 0;
  let lastReason = "";
  return {
    failed(error, fields = {}) {
      const reason = failureReason(error);
      const t = now();
      failures += 1;
      if (failures === 1) since = t;
      if (failures > 1 && reason === lastReason && t - saidAt < everyMs) {
        unsaid += 1;
        return;
      }
      if (failures === 1) logger.warn({ ...fields, err: reason }, `${what} failed`);
      else
        logger.warn(
          { ...fields, err: reason, failures, repeats: unsaid },
          `${what} failed (${unsaid} more since the last line)`,
        );
      logger.debug({ ...fields, err: error instanceof Error ? error.message : String(error) }, `${what} failed`);
      unsaid = 0;
      saidAt = t;
      lastReason = reason;
    },
    succeeded() {
      if (failures === 0) return;
      logger.info(
        { failures, seconds: Math.round((now() - since) / 1000) },
        `${what} works again after ${failures} failure${failures === 1 ? "" : "s"}`,
      );
      failures = 0;
      unsaid = 0;
      lastReason = "";
    },
  };
}

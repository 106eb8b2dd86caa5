import { isConnectionError } from "../db/connection-errors";
import { repeatedFailureLog } from "../repeated-failure-log";

/**
 * pg-boss 10 does not await the complete() or fail() it calls after a job's handler returns
 * (src/manager.js, onFetch), so when the database goes away at that moment the rejection is
 * unhandled, and Node ends the worker: a Postgres restart killed every worker that was finishing
 * a job (found by test/reliability/postgres-restart.test.ts). A job whose complete or fail was
 * lost stays active until it expires and then runs again, and storing a result is idempotent, so
 * the worker carries on: such connection errors are logged (once a minute while they repeat). Any
 * other unhandled rejection still ends the process, as Node's default does.
 */
export function surviveDatabaseOutages(): void {
  const failures = repeatedFailureLog("job queue bookkeeping (complete or fail of a finished job)");
  process.on("unhandledRejection", (reason) => {
    if (isConnectionError(reason)) return failures.failed(reason);
    throw reason;
  });
}

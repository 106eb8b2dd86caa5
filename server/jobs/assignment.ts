import type { Db } from "../db/client";
import { log } from "../log";
import { repeatedFailureLog } from "../repeated-failure-log";
import { listenToChannels } from "../db/listen";
import { SETTINGS_CHANNEL } from "../core/settings";
import { WORKLIST_CHANNEL } from "../core/worklist-events";
import { assignOpenStudies } from "../assignment/assign-studies";

const EVERY_MS = 2_000;

function eventType(payload: string): string | null {
  try {
    return (JSON.parse(payload) as { type?: string }).type ?? null;
  } catch {
    return null;
  }
}
const ELIGIBILITY_EVERY_MS = 60_000;

/**
 * Push assignment (a site setting; rounds do nothing while it is off, beyond handing back
 * what is still assigned): a round runs on every worklist event (an arrival, a score, an
 * override, a read, a duty or profile change) and every 2 s; rules or profiles changing, and
 * every minute, also re-check that each assignee may still read what they hold. Rounds in one
 * process run one after another; across processes a database lock serialises them.
 */
export function startAssignment(db: Db, databaseUrl: string): { stop(): Promise<void> } {
  let queue = Promise.resolve();
  let pending = false;
  let checkEligibility = true;
  let lastCheck = 0;
  const failures = repeatedFailureLog("push assignment round");
  const round = () => {
    if (pending) return;
    pending = true;
    queue = queue
      .then(async () => {
        pending = false;
        const check = checkEligibility || Date.now() - lastCheck > ELIGIBILITY_EVERY_MS;
        checkEligibility = false;
        if (check) lastCheck = Date.now();
        const r = await assignOpenStudies(db, new Date(), { checkEligibility: check });
        if (r.assigned || r.handedBack) log.info(r, "push assignment round");
        failures.succeeded();
      })
      .catch((e: unknown) => failures.failed(e));
  };
  const listener = listenToChannels(
    databaseUrl,
    [WORKLIST_CHANNEL, SETTINGS_CHANNEL],
    (channel, payload) => {
      if (channel === SETTINGS_CHANNEL) {
        if (payload !== "routing" && payload !== "rvu") return;
        checkEligibility = true;
      } else {
        const type = eventType(payload);
        if (type === "assigned") return; // our own output
        if (type === "routing") checkEligibility = true;
      }
      round();
    },
    "readnext-worker-assignment",
    round,
  );
  const timer = setInterval(round, EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      listener.stop();
      await queue;
    },
  };
}

// npm run bench -- day: a day of a large teleradiology group replayed through the real system,
// faster than real time. Arrivals (18,000 a day by default, an hourly curve and a modality mix)
// are STOWed into a private Orthanc at their replayed time; workers ingest and score them; readers
// sign in through the web app as the hour's staffing needs them, each keeping the worklist page's
// live subscription open and doing with each change exactly what the browser does (worklist-view.tsx:
// merge the changed rows into its page, refetch an open study that changed, replay the changes
// newer than a page that lands, ask for the whole page when told to; list and count also poll every 60 s, the workers
// banner every 15 s, the duty switch every 60 s — timers replayed at the same speed as the day), pressing Next
// case, reading for the simulator's read time and pressing Mark read. Prints JSON: p50/p95/p99 of
// Next case and of the first page through the web app, arrival → verdict lag, queue depths over
// the run, refetches per event (the fan-out), database growth per replayed day, and the checks
// that no study was lost, claimed twice or scored twice.
//
//   DAY_ARRIVALS (18000)  FROM_HOUR (9)  HOURS (1)  SPEEDUP (4)  MAX_READERS (300)  WORKERS (2)
//
// The whole day is `FROM_HOUR=0 HOURS=24` (6 h at 4×). The browsers' own timers run at SPEEDUP too,
// so the web app carries SPEEDUP times a real day's load.
import { setMaxListeners } from "node:events";
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../server/api/root";
import { createTestDatabase, freePort } from "../test/support/test-database";
import { startTestOrthanc } from "../test/support/orthanc";
import { spawnWorker, type WorkerProcess } from "../test/support/worker-process";
import { buildWebAppIfNeeded, startWebApp, waitForHealthy } from "../server/runtime/web-app";
import { createDb } from "../server/db/client";
import { createBenchSource } from "./orthanc-source";
import { createUser } from "../server/users/users";
import { DicomWebAdapter } from "../server/pacs/dicomweb-adapter";
import { sourceConfigFromRow } from "../server/pacs/source-config";
import { generateStudy, type StudyKind } from "../lib/synthetic/studies";
import { simulateTrace } from "../lib/sim/simulate";
import { applyLiveChange, LiveMerges, replayNewer, type LiveChange } from "../lib/worklist-live";
import { Random } from "../lib/random";
import type { WorklistRow } from "../server/worklist/list-worklist";
import type { ScenarioInput } from "../lib/sim/scenario";

const DAY_ARRIVALS = Number(process.env.DAY_ARRIVALS ?? 18_000);
const FROM_HOUR = Number(process.env.FROM_HOUR ?? 9);
const HOURS = Number(process.env.HOURS ?? 1);
const SPEEDUP = Number(process.env.SPEEDUP ?? 4);
const MAX_READERS = Number(process.env.MAX_READERS ?? 300);
const WORKERS = Number(process.env.WORKERS ?? 2);
/** Share of a reader's time spent reading at the busiest hour's staffing (the rest: reports, calls, breaks). */
const UTILISATION = 0.7;

// A teleradiology group's day: quiet nights, a long daytime plateau, an evening ED peak. Relative
// rates per hour, scaled so the day sums to DAY_ARRIVALS.
const CURVE = [
  0.45, 0.4, 0.35, 0.35, 0.35, 0.4, 0.55, 0.8, 1.15, 1.35, 1.45, 1.45, 1.4, 1.4, 1.4, 1.35, 1.35, 1.3, 1.3, 1.25, 1.1,
  0.95, 0.75, 0.6,
];
const CLASSES: {
  name: string;
  share: number;
  kind: StudyKind;
  modality: string;
  priority: "STAT" | "HIGH" | "ROUTINE";
  orderPriority: "STAT" | "HIGH" | "ROUTINE";
  location: string;
  patientLocation: "ED" | "INPATIENT" | "OUTPATIENT";
  readMinutes: number;
  criticalPrevalence: number;
}[] = [
  {
    name: "CT head, ED",
    share: 0.12,
    kind: "head-ct",
    modality: "CT",
    priority: "STAT",
    orderPriority: "STAT",
    location: "ED",
    patientLocation: "ED",
    readMinutes: 6,
    criticalPrevalence: 0.08,
  },
  {
    name: "Chest X-ray, ED",
    share: 0.15,
    kind: "chest-xr",
    modality: "DX",
    priority: "HIGH",
    orderPriority: "HIGH",
    location: "ED",
    patientLocation: "ED",
    readMinutes: 3,
    criticalPrevalence: 0.03,
  },
  {
    name: "Chest X-ray, inpatient",
    share: 0.18,
    kind: "chest-xr",
    modality: "DX",
    priority: "ROUTINE",
    orderPriority: "ROUTINE",
    location: "WARD 4B",
    patientLocation: "INPATIENT",
    readMinutes: 3,
    criticalPrevalence: 0.02,
  },
  {
    name: "CT and MR, outpatient",
    share: 0.35,
    kind: "other",
    modality: "CT",
    priority: "ROUTINE",
    orderPriority: "ROUTINE",
    location: "OUTPATIENT CLINIC",
    patientLocation: "OUTPATIENT",
    readMinutes: 12,
    criticalPrevalence: 0,
  },
  {
    name: "Other radiographs and ultrasound",
    share: 0.2,
    kind: "other",
    modality: "US",
    priority: "ROUTINE",
    orderPriority: "ROUTINE",
    location: "OUTPATIENT CLINIC",
    patientLocation: "OUTPATIENT",
    readMinutes: 4,
    criticalPrevalence: 0,
  },
];
const curveSum = CURVE.reduce((a, b) => a + b, 0);
const perHour = (share: number) => CURVE.map((c) => (DAY_ARRIVALS * share * c) / curveSum);
const scenario: ScenarioInput = {
  seed: 20261204,
  days: 1,
  readers: 1000,
  classes: CLASSES.map((c) => ({
    name: c.name,
    modality: c.modality,
    orderPriority: c.orderPriority,
    patientLocation: c.patientLocation,
    arrivalsPerHour: perHour(c.share),
    criticalPrevalence: c.criticalPrevalence,
    readMinutes: { mean: c.readMinutes, distribution: "lognormal", cv: 0.5 },
    screened: c.kind !== "other",
  })),
  ai: { sensitivity: 0.9, specificity: 0.9 },
  disciplines: ["readnext"],
};
const windowStart = FROM_HOUR * 60;
const windowEnd = (FROM_HOUR + HOURS) * 60;
const arrivals = simulateTrace(scenario, "readnext").filter(
  (a) => a.arrivedAt >= windowStart && a.arrivedAt < windowEnd,
);
/** Readers the hour needs: its reading minutes at UTILISATION. */
const readersAt = (minute: number) => {
  const hour = Math.floor(minute / 60) % 24;
  const load = CLASSES.reduce((sum, c, i) => sum + perHour(c.share)[hour]! * CLASSES[i]!.readMinutes, 0) / 60;
  return Math.min(MAX_READERS, Math.ceil(load / UTILISATION));
};
const readerCount = Math.max(...Array.from({ length: Math.ceil(HOURS) }, (_, h) => readersAt(windowStart + h * 60)));
const realMs = (simMinutes: number) => (simMinutes * 60_000) / SPEEDUP;

// ---- the system: Postgres, Orthanc, workers, the production web app -------------------------
const database = await createTestDatabase("bench_day");
process.env.DATABASE_URL = database.url;
const orthanc = await startTestOrthanc();
const db = createDb(database.url);
const source = await createBenchSource(db, orthanc.dicomWebUrl, { name: "Day replay PACS" });
const password = "bench-password";
const accounts = [];
for (let i = 0; i < readerCount; i++)
  accounts.push(
    await createUser(db, null, {
      name: `Reader ${i}`,
      email: `reader${i}@day.local`,
      password,
      roles: ["radiologist"],
    }),
  );
const workers: WorkerProcess[] = Array.from({ length: WORKERS }, () =>
  spawnWorker({ SCORING_THREADS: "1", INGEST_TICK_MS: "250", LOG_LEVEL: "warn" }),
);
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const webEnv = {
  ...process.env,
  DATABASE_URL: database.url,
  BETTER_AUTH_URL: baseUrl,
  BETTER_AUTH_SECRET: "bench-secret-bench-secret-bench-secret",
  AUTH_SIGNIN_ATTEMPTS_PER_MINUTE: "10000",
  LOG_LEVEL: "warn",
};
if (!buildWebAppIfNeeded(webEnv)) throw new Error("the web app did not build");
const web = startWebApp({ dev: false, host: "127.0.0.1", port, env: webEnv, quiet: process.env.BENCH_VERBOSE !== "1" });
await waitForHealthy(baseUrl);
while ((await db.pacsSource.findUniqueOrThrow({ where: { id: source.id } })).changeFeedCursor === null)
  await new Promise((r) => setTimeout(r, 100));

// ---- figures -------------------------------------------------------------------------------
const timings: Record<"nextCase" | "firstPage" | "study" | "markRead" | "poll", number[]> = {
  nextCase: [],
  firstPage: [],
  study: [],
  markRead: [],
  poll: [],
};
const counters = {
  eventsReceived: 0,
  changesMerged: 0,
  studyRefetches: 0,
  eventRefetches: 0,
  refetchesCancelled: 0,
  pollRefetches: 0,
  nextCasePresses: 0,
  nothingLeft: 0,
  reads: 0,
  errors: 0,
};
const errorsSeen = new Map<string, number>();
const noteError = (e: unknown) => {
  counters.errors += 1;
  const cause =
    e instanceof Error && e.cause instanceof Error
      ? ` (${(e.cause as { code?: string }).code ?? e.cause.message})`
      : "";
  const m = `${e instanceof Error ? e.message : String(e)}${cause}`.slice(0, 160);
  errorsSeen.set(m, (errorsSeen.get(m) ?? 0) + 1);
};
const holders = new Map<string, number>(); // studyId → reader holding it, to catch a double claim
let doubleClaims = 0;
const readMinutesByUid = new Map<string, number>();
const storedAt = new Map<string, number>(); // studyInstanceUid → wall clock (ms) when its STOW finished
const startedAt = Date.now();
/** Aborted when the replayed window ends: readers stop where they are. */
const replayOver = new AbortController();
setMaxListeners(0, replayOver.signal); // every reader waits on it
const simNow = () => windowStart + ((Date.now() - startedAt) * SPEEDUP) / 60_000;
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });

// ---- one browser: the worklist page of one signed-in reader ------------------------------------
class Browser {
  private client!: TRPCClient<AppRouter>;
  private cookie = "";
  private stop = new AbortController();
  private inFlight: AbortController | null = null;
  openStudyId: string | null = null;
  private rows: WorklistRow[] = [];
  private live = new LiveMerges<LiveChange<WorklistRow>>();
  private random: Random;

  constructor(
    readonly index: number,
    readonly email: string,
  ) {
    this.random = new Random(index + 1);
  }

  async signIn() {
    const res = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: baseUrl },
      body: JSON.stringify({ email: this.email, password }),
    });
    if (!res.ok) throw new Error(`sign-in of ${this.email}: HTTP ${res.status}`);
    this.cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    this.client = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${baseUrl}/api/trpc`,
          transformer: superjson,
          headers: { cookie: this.cookie, origin: baseUrl },
        }),
      ],
    });
  }

  /** The page's queries, as TanStack Query refetches them on invalidation: the one in flight is cancelled. */
  async refetchPage(kind: "event" | "poll") {
    this.inFlight?.abort();
    if (this.inFlight) counters.refetchesCancelled += 1;
    const ac = new AbortController();
    this.inFlight = ac;
    const t = performance.now();
    try {
      const [list] = await Promise.all([
        this.client.worklist.list.query({ limit: 500, offset: 0 }, { signal: ac.signal }),
        this.client.worklist.count.query({}, { signal: ac.signal }),
        ...(this.openStudyId
          ? [this.client.worklist.study.query({ studyId: this.openStudyId }, { signal: ac.signal })]
          : []),
      ]);
      timings.firstPage.push(performance.now() - t);
      this.rows = replayNewer(list.rows, list.now, this.live.recent, 500, new Date());
    } catch (e) {
      if (!ac.signal.aborted && !this.stop.signal.aborted) noteError(e);
    } finally {
      if (this.inFlight === ac) this.inFlight = null;
    }
    if (kind === "event") counters.eventRefetches += 1;
    else counters.pollRefetches += 1;
  }

  /** worklist-view.tsx's onChange. */
  private onChange(change: LiveChange<WorklistRow>) {
    if (change.refetch) return void this.refetchPage("event");
    this.live.remember(change);
    this.rows = applyLiveChange(this.rows, change, 500, new Date()).rows;
    counters.changesMerged += 1;
    const open = this.openStudyId;
    if (open && change.studyIds.includes(open)) {
      counters.studyRefetches += 1;
      const t = performance.now();
      void this.client.worklist.study
        .query({ studyId: open })
        .then(() => timings.study.push(performance.now() - t))
        .catch(noteError);
    }
  }

  /** The live subscription (tRPC over server-sent events). */
  private async subscribe() {
    while (!this.stop.signal.aborted) {
      try {
        const res = await fetch(`${baseUrl}/api/trpc/worklist.events`, {
          headers: { cookie: this.cookie, accept: "text/event-stream" },
          signal: this.stop.signal,
        });
        if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
        const decoder = new TextDecoder();
        let buffer = "";
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            // tRPC's own messages carry an event name (connected, ping, return); data messages do not.
            if (/^event:/m.test(message) || !/^data:/m.test(message)) continue;
            counters.eventsReceived += 1;
            const data = message
              .split("\n")
              .filter((l) => l.startsWith("data:"))
              .map((l) => l.slice(5).trimStart())
              .join("\n");
            this.onChange(superjson.deserialize(JSON.parse(data)));
          }
        }
      } catch (e) {
        if (!this.stop.signal.aborted) noteError(e);
      }
      // EventSource's reconnection delay.
      await sleep(1000, this.stop.signal);
    }
  }

  /** A refetchInterval: TanStack Query does not start a second fetch of a query while one is on its way. */
  private poll(everySimSeconds: number, run: () => Promise<unknown>) {
    let busy = false;
    let timer: ReturnType<typeof setInterval> | undefined;
    const tick = () => {
      if (busy) return;
      busy = true;
      void run()
        .catch(noteError)
        .finally(() => (busy = false));
    };
    const every = (everySimSeconds * 1000) / SPEEDUP;
    // Browsers opened at different moments poll out of step (POLLS_IN_STEP=1: all at once, as after a restart).
    const start = setTimeout(
      () => (timer = setInterval(tick, every)),
      process.env.POLLS_IN_STEP === "1" ? 0 : this.random.next() * every,
    );
    this.stop.signal.addEventListener(
      "abort",
      () => {
        clearTimeout(start);
        clearInterval(timer);
      },
      { once: true },
    );
  }

  /** Reads until `until()` says the shift is over, then closes the page. */
  async work(until: () => boolean) {
    void this.subscribe();
    await this.refetchPage("poll");
    this.poll(60, () => (this.inFlight ? Promise.resolve() : this.refetchPage("poll")));
    this.poll(15, async () => {
      const t = performance.now();
      await this.client.worklist.workersOnline.query();
      timings.poll.push(performance.now() - t);
    });
    this.poll(60, () => this.client.routing.me.query());
    while (until()) {
      const t = performance.now();
      let result: Awaited<ReturnType<typeof this.client.worklist.nextCase.mutate>>;
      try {
        result = await this.client.worklist.nextCase.mutate();
      } catch (e) {
        noteError(e);
        await sleep(1000, this.stop.signal);
        continue;
      }
      timings.nextCase.push(performance.now() - t);
      counters.nextCasePresses += 1;
      if ("nothingLeft" in result) {
        counters.nothingLeft += 1;
        // Nothing to read: the reader turns to other work (reports, calls, a consult) for a while,
        // 2 minutes on average, and presses again (the share of time not reading, UTILISATION).
        await sleep(realMs(-2 * Math.log(1 - this.random.next())), replayOver.signal);
        continue;
      }
      const studyId = result.studyId;
      const other = holders.get(studyId);
      if (other !== undefined && other !== this.index) doubleClaims += 1;
      holders.set(studyId, this.index);
      this.openStudyId = studyId;
      try {
        const ts = performance.now();
        const detail = await this.client.worklist.study.query({ studyId });
        timings.study.push(performance.now() - ts);
        await sleep(realMs(readMinutesByUid.get(detail.studyInstanceUid) ?? 5), replayOver.signal);
        // The replayed window is over: a case still open stays claimed, unread.
        if (replayOver.signal.aborted) break;
        const tr = performance.now();
        await this.client.worklist.markRead.mutate({ studyId });
        timings.markRead.push(performance.now() - tr);
        counters.reads += 1;
      } catch (e) {
        noteError(e);
      } finally {
        holders.delete(studyId);
        this.openStudyId = null;
      }
    }
    this.stop.abort();
    this.inFlight?.abort();
  }
}

// ---- the replay ------------------------------------------------------------------------------
const adapter = new DicomWebAdapter(sourceConfigFromRow({ ...source, secret: null }));
const dbSizeBefore = Number(
  (await db.$queryRaw<{ n: bigint }[]>`SELECT pg_database_size(current_database()) AS n`)[0]!.n,
);
const queueSamples: { simMinute: number; scoreQueued: number; scoreActive: number; unread: number }[] = [];
const sampler = setInterval(async () => {
  try {
    const [q] = await db.$queryRaw<{ queued: bigint; active: bigint; unread: bigint }[]>`
      SELECT (SELECT count(*) FROM pgboss.job WHERE name = 'score-study' AND state IN ('created', 'retry')) AS queued,
             (SELECT count(*) FROM pgboss.job WHERE name = 'score-study' AND state = 'active') AS active,
             (SELECT count(*) FROM "Study" WHERE "readingState" = 'UNREAD') AS unread`;
    queueSamples.push({
      simMinute: Math.round(simNow()),
      scoreQueued: Number(q!.queued),
      scoreActive: Number(q!.active),
      unread: Number(q!.unread),
    });
  } catch (e) {
    noteError(e);
  }
}, 5000);

const browsers = accounts.map((a, i) => new Browser(i, a.email));
await Promise.all(browsers.map((b) => b.signIn()));
// Reader i is on duty while the hour needs more than i readers; a reader whose shift ends finishes the case in hand.
const shifts = browsers.map(async (b) => {
  for (;;) {
    if (simNow() >= windowEnd) return;
    if (b.index < readersAt(simNow())) await b.work(() => simNow() < windowEnd && b.index < readersAt(simNow()));
    else await sleep(realMs(5), replayOver.signal);
  }
});

let stowFailures = 0;
let behindMs = 0;
for (const [i, a] of arrivals.entries()) {
  const due = realMs(a.arrivedAt - windowStart);
  const wait = due - (Date.now() - startedAt);
  if (wait > 0) await sleep(wait);
  else behindMs = Math.max(behindMs, -wait);
  const c = CLASSES[a.classIndex]!;
  const study = generateStudy({
    seed: 1_000_000 + i,
    kind: c.kind,
    finding: a.critical && c.kind !== "other" ? "positive" : "none",
    priority: c.priority,
    location: c.location,
    studyDateTime: new Date(),
    sliceCount: 24,
    size: 256,
    withLocalizer: false,
  });
  readMinutesByUid.set(study.studyInstanceUid, a.readMinutes);
  // Not awaited in line: a slow STOW must not hold the arrivals behind it (an open-loop load).
  void adapter
    .storeInstances(study.instances)
    .then(() => storedAt.set(study.studyInstanceUid, Date.now()))
    .catch((e) => {
      stowFailures += 1;
      noteError(e);
    });
}
const arrivalsDoneAt = Date.now();
await sleep(realMs(windowEnd - simNow()));
replayOver.abort();
await Promise.all(shifts);
clearInterval(sampler);

// Let the last arrivals land and be scored (up to two minutes), then check the record.
const applicable = arrivals.filter((a) => CLASSES[a.classIndex]!.kind !== "other").length;
for (let waited = 0; waited < 120_000; waited += 2000) {
  const [s] = await db.$queryRaw<{ studies: bigint; scored: bigint }[]>`
    SELECT count(*) AS studies, count(*) FILTER (WHERE "aiStatus" IN ('negative', 'critical', 'urgent')) AS scored FROM "Study"`;
  if (Number(s!.studies) >= storedAt.size && Number(s!.scored) >= applicable) break;
  await sleep(2000);
}
const lagRows = await db.$queryRaw<{ uid: string; verdictAt: Date }[]>`
  SELECT s."studyInstanceUid" AS uid, min(r."createdAt") AS "verdictAt"
  FROM "Study" s JOIN "AiResult" r ON r."studyId" = s.id AND r.status = 'SCORED'
  GROUP BY s."studyInstanceUid"`;
const verdictLag = lagRows.flatMap((r) => {
  const stored = storedAt.get(r.uid);
  // Replayed time: a second of wall clock is SPEEDUP seconds of the day.
  return stored === undefined ? [] : [((r.verdictAt.getTime() - stored) * SPEEDUP) / 1000];
});
const [record] = await db.$queryRaw<
  { studies: bigint; duplicateUids: bigint; scoredTwice: bigint; readTwice: bigint; unscoredApplicable: bigint }[]
>`
  SELECT (SELECT count(*) FROM "Study") AS studies,
         (SELECT count(*) FROM (SELECT "studyInstanceUid" FROM "Study" GROUP BY 1 HAVING count(*) > 1) d) AS "duplicateUids",
         (SELECT count(*) FROM (SELECT "studyId" FROM "AiResult" GROUP BY "studyId", "modelId", "modelVersion" HAVING count(*) > 1) d) AS "scoredTwice",
         (SELECT count(*) FROM (SELECT "studyId" FROM "AuditEvent" WHERE action = 'study.read' GROUP BY 1 HAVING count(*) > 1) d) AS "readTwice",
         (SELECT count(*) FROM "Study" WHERE modalities && ARRAY['CT', 'DX', 'CR'] AND "bodyPart" IN ('HEAD', 'CHEST') AND "aiStatus" IS NULL) AS "unscoredApplicable"`;
const dbSizeAfter = Number(
  (await db.$queryRaw<{ n: bigint }[]>`SELECT pg_database_size(current_database()) AS n`)[0]!.n,
);

const pct = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN) * 10) / 10;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
};
console.log(
  JSON.stringify(
    {
      bench: "day",
      config: { DAY_ARRIVALS, FROM_HOUR, HOURS, SPEEDUP, readers: readerCount, workers: WORKERS },
      arrivals: arrivals.length,
      stowed: storedAt.size,
      stowFailures,
      arrivalsFellBehindMs: Math.round(behindMs),
      replayedWallSeconds: Math.round((arrivalsDoneAt - startedAt) / 1000),
      webMs: {
        note: "through the production web app (Next.js, tRPC, session, saved filters, reading scope), wall clock",
        nextCase: pct(timings.nextCase),
        firstPage: { note: "list (500 rows) + count, batched as the browser sends them", ...pct(timings.firstPage) },
        studyPanel: pct(timings.study),
        markRead: pct(timings.markRead),
        workersBanner: pct(timings.poll),
      },
      arrivalToVerdictReplayedSeconds: {
        note: "STOW finished → first stored result, in replayed time",
        ...pct(verdictLag),
      },
      fanOut: {
        ...counters,
        refetchesPerEvent:
          counters.eventsReceived === 0
            ? 0
            : Math.round((counters.eventRefetches / counters.eventsReceived) * 100) / 100,
        eventRefetchShare:
          Math.round((counters.eventRefetches / Math.max(1, counters.eventRefetches + counters.pollRefetches)) * 100) /
          100,
        errorsSeen: Object.fromEntries(errorsSeen),
      },
      queueDepths: {
        note: "largest of the samples (every 5 s of wall clock) in each replayed 5 minutes",
        byFiveMinutes: Object.values(
          queueSamples.reduce<Record<number, (typeof queueSamples)[number]>>((acc, q) => {
            const at = q.simMinute - (q.simMinute % 5);
            const m = acc[at] ?? { simMinute: at, scoreQueued: 0, scoreActive: 0, unread: 0 };
            acc[at] = {
              simMinute: at,
              scoreQueued: Math.max(m.scoreQueued, q.scoreQueued),
              scoreActive: Math.max(m.scoreActive, q.scoreActive),
              unread: Math.max(m.unread, q.unread),
            };
            return acc;
          }, {}),
        ).map(
          (q) =>
            `${String(Math.floor(q.simMinute / 60)).padStart(2, "0")}:${String(q.simMinute % 60).padStart(2, "0")} score queued ${q.scoreQueued}, running ${q.scoreActive}; unread ${q.unread}`,
        ),
      },
      databaseGrowth: {
        bytesThisRun: dbSizeAfter - dbSizeBefore,
        kbPerArrival: Math.round((dbSizeAfter - dbSizeBefore) / Math.max(1, storedAt.size) / 1e3),
        mbPerDayOfArrivals: Math.round(
          ((dbSizeAfter - dbSizeBefore) / Math.max(1, storedAt.size)) * (DAY_ARRIVALS / 1e6),
        ),
      },
      record: {
        studiesStowed: storedAt.size,
        studiesListed: Number(record!.studies),
        lost: storedAt.size - Number(record!.studies),
        duplicateStudies: Number(record!.duplicateUids),
        scoredTwice: Number(record!.scoredTwice),
        readTwice: Number(record!.readTwice),
        claimedTwiceAtOnce: doubleClaims,
        applicableNotScored: Number(record!.unscoredApplicable),
      },
    },
    null,
    2,
  ),
);
// Stopping must not hang the bench: whatever has not stopped in 30 s is left to the exit.
setTimeout(() => process.exit(0), 30_000).unref();
web.kill("SIGTERM");
await Promise.all(workers.map((w) => w.stop()));
await new Promise((r) => (web.exitCode === null ? web.once("exit", r) : r(null)));
await db.$disconnect();
await orthanc.stop();
await database.drop();
process.exit(0);

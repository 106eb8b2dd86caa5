// npm run bench -- worklist-http: Next case as a browser presses it, through the production web
// app (Next.js, tRPC, the session lookup, the user's saved filters), on 100k unread + 1M read
// studies: p95 of 20 simultaneous presses and of 20 readers pressing back to back, each
// marking the case read through the app in between. Prints JSON. (bench/worklist-load.ts
// measures the Next case service itself, in-process.)
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../server/api/root";
import { createTestDatabase, freePort } from "../test/support/test-database";
import { buildWebAppIfNeeded, startWebApp, waitForHealthy } from "../server/runtime/web-app";
import { createDb } from "../server/db/client";
import { createUser } from "../server/users/users";
import { seedBenchStudies } from "./seed-studies";
import { summarise } from "./summarise";
import { processTreeCpuMs } from "./process-cpu";

const UNREAD = Number(process.env.UNREAD ?? 100_000);
const READ = Number(process.env.READ ?? 1_000_000);
const database = await createTestDatabase("bench_http");
const db = createDb(database.url);
await seedBenchStudies(db, { unread: UNREAD, read: READ });
const password = "bench-password";
const readers = await Promise.all(
  Array.from({ length: 20 }, (_, i) =>
    createUser(db, null, { name: `Reader ${i}`, email: `reader${i}@bench.local`, password, roles: ["radiologist"] }),
  ),
);

const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  DATABASE_URL: database.url,
  BETTER_AUTH_URL: baseUrl,
  BETTER_AUTH_SECRET: "bench-secret-bench-secret-bench-secret",
  AUTH_SIGNIN_ATTEMPTS_PER_MINUTE: "1000",
  LOG_LEVEL: "warn",
};
if (!buildWebAppIfNeeded(env)) throw new Error("the web app did not build");
const web = startWebApp({ dev: false, host: "127.0.0.1", port, env, quiet: true });
try {
  await waitForHealthy(baseUrl);
  // One signed-in tRPC client per reader, as each browser has its own session cookie.
  const clients = await Promise.all(
    readers.map(async (r) => {
      const res = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: baseUrl },
        body: JSON.stringify({ email: r.email, password }),
      });
      if (!res.ok) throw new Error(`sign-in of ${r.email}: HTTP ${res.status}`);
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      return createTRPCClient<AppRouter>({
        links: [httpLink({ url: `${baseUrl}/api/trpc`, transformer: superjson, headers: { cookie, origin: baseUrl } })],
      });
    }),
  );
  type Client = (typeof clients)[number];
  const press = async (c: Client, out: number[]) => {
    const started = performance.now();
    const r = await c.worklist.nextCase.mutate();
    out.push(performance.now() - started);
    return "studyId" in r ? r.studyId : null;
  };
  // Warm-up, not measured: every reader presses and reads twice.
  for (let i = 0; i < 2; i++) {
    const ids = await Promise.all(clients.map((c) => press(c, [])));
    await Promise.all(ids.map((id, k) => (id ? clients[k]!.worklist.markRead.mutate({ studyId: id }) : null)));
  }
  const oneReader: number[] = [];
  for (let i = 0; i < 50; i++) {
    const id = await press(clients[0]!, oneReader);
    if (id) await clients[0]!.worklist.markRead.mutate({ studyId: id });
  }
  // All 20 press at the same instant, 25 times; each reads their case through the app after the round.
  const bursts: number[] = [];
  const cpuBefore = processTreeCpuMs(web.pid!);
  for (let round = 0; round < 25; round++) {
    const ids = await Promise.all(clients.map((c) => press(c, bursts)));
    await Promise.all(ids.map((id, k) => (id ? clients[k]!.worklist.markRead.mutate({ studyId: id }) : null)));
    await new Promise((r) => setTimeout(r, 50));
  }
  const cpuBursts = processTreeCpuMs(web.pid!) - cpuBefore;
  // Back to back: each reader presses again the moment their last case is marked read (no reading time).
  const backToBack: number[] = [];
  await Promise.all(
    clients.map(async (c) => {
      for (let i = 0; i < 25; i++) {
        const id = await press(c, backToBack);
        if (id) await c.worklist.markRead.mutate({ studyId: id });
      }
    }),
  );
  const cpuBackToBack = processTreeCpuMs(web.pid!) - cpuBefore - cpuBursts;
  console.log(
    JSON.stringify(
      {
        bench: "worklist-http",
        unread: UNREAD,
        read: READ,
        nextCaseOneReaderMs: summarise(oneReader),
        nextCaseBurstsMs: {
          readers: 20,
          note: "20 simultaneous presses, 25 rounds, each case marked read through the app after the round",
          presses: bursts.length,
          ...summarise(bursts),
        },
        nextCaseBackToBackMs: {
          readers: 20,
          note: "each reader presses again as soon as their case is marked read through the app",
          presses: backToBack.length,
          ...summarise(backToBack),
        },
        webServerCpuMsPerCase: {
          note: "CPU of the Next.js server per case (the press and the Mark read), from /proc; steadier than latency on a shared box",
          bursts: Math.round((cpuBursts / bursts.length) * 100) / 100,
          backToBack: Math.round((cpuBackToBack / backToBack.length) * 100) / 100,
        },
        target: { nextCaseP95: 20 },
      },
      null,
      2,
    ),
  );
} finally {
  web.kill("SIGTERM");
  await new Promise((r) => (web.exitCode === null ? web.once("exit", r) : r(null)));
  await db.$disconnect();
  await database.drop();
}

// npm run test:smoke: the README's first command, tried as a new user tries it.
//
// In a fresh copy of this checkout (the files a clone holds, in a new temp folder), runs
// exactly `npm install && npm start` as an ordinary user and, when this runs as root, as root.
// Each time: waits for the sign-in page and /api/health = 200, signs in as every demo role
// and lands on the role's page, waits for demo studies in the radiologist's worklist, presses
// Ctrl-C (SIGINT to the process group, as a terminal does) and checks that Postgres, Orthanc,
// the worker and the web server are all gone and their ports closed.
// As the ordinary user it also checks the rest of the first-run path: a second `npm start` in
// the same folder, a port already in use, and a machine without Orthanc (start-up goes on and
// the admin page says what to install).
//
// The ordinary user: the current one when not root; as root, SMOKE_USER (default
// readnext-smoke), which .ci/run creates. Talks to 127.0.0.1 only; every wait is bounded.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import {
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../../server/api/root";
import { DEMO_PASSWORD, DEMO_USERS } from "../../server/users/demo-users";
import { homeFor } from "../../lib/roles";
import { freePort } from "../support/test-database";

const FIRST_COMMAND = "npm install && npm start";
const INSTALL_AND_BUILD_TIMEOUT_MS = 15 * 60_000;
const STOP_TIMEOUT_MS = 60_000;

type Runner = { name: string; uid: number; gid: number; home: string; root: boolean };

const failures: string[] = [];
const say = (line: string) => console.log(`[smoke] ${line}`);
function check(ok: boolean, what: string): void {
  say(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

function runnerFor(name: string): Runner {
  const id = (flag: string) => Number(execFileSync("id", [flag, name], { encoding: "utf8" }).trim());
  const home = execFileSync("getent", ["passwd", name], { encoding: "utf8" }).split(":")[5] ?? "/tmp";
  return { name, uid: id("-u"), gid: id("-g"), home, root: id("-u") === 0 };
}

function userExists(name: string): boolean {
  try {
    execFileSync("id", ["-u", name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The files a fresh clone of this checkout holds (tracked and new, not ignored), copied into `dest`. */
function freshCopy(dest: string, runner: Runner): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    encoding: "utf8",
  })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(file) || lstatSync(file).isDirectory()) continue;
    mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    cpSync(file, path.join(dest, file), { verbatimSymlinks: true });
  }
  if (!runner.root) chownTree(path.dirname(dest), runner);
}

function chownTree(dir: string, runner: Runner): void {
  chownSync(dir, runner.uid, runner.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(full, runner);
    else chownSync(full, runner.uid, runner.gid);
  }
}

/** A login shell's environment, not this test runner's (no npm_* variables, no node_modules/.bin on PATH). */
function loginEnv(runner: Runner, extra: Record<string, string>): NodeJS.ProcessEnv {
  const pathDirs = (process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin")
    .split(":")
    .filter((d) => d && !d.includes("node_modules"));
  const env: Record<string, string> = {
    PATH: pathDirs.join(":"),
    HOME: runner.home,
    USER: runner.name,
    LOGNAME: runner.name,
    LANG: "C.UTF-8",
    ...extra,
  };
  if (process.env.CI) env.CI = process.env.CI;
  return env as NodeJS.ProcessEnv;
}

type Started = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

/** Runs a shell command in its own process group (as a terminal runs a foreground job) as `runner`. */
function startCommand(command: string, cwd: string, runner: Runner, env: NodeJS.ProcessEnv, label: string): Started {
  const asOther = process.getuid?.() !== runner.uid;
  const child = spawn("sh", ["-c", command], {
    cwd,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    ...(asOther ? { uid: runner.uid, gid: runner.gid } : {}),
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 400_000) output = output.slice(-200_000);
    if (process.env.SMOKE_VERBOSE) process.stdout.write(`[${label}] ${chunk}`);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Signals a whole process group; a group already gone is fine. */
function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
const ended = (started: Started) => started.child.exitCode !== null || started.child.signalCode !== null;

const tail = (text: string, lines = 40) => text.trimEnd().split("\n").slice(-lines).join("\n");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` returns true; false when the deadline passes or `started` exits first. */
async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, started?: Started): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started && ended(started)) return false;
    if (await probe().catch(() => false)) return true;
    await sleep(1000);
  }
  return false;
}

type Proc = { pid: number; comm: string; cmdline: string };

/** Every live process in process group `pgid` (what Ctrl-C in the terminal reaches). */
function processGroup(pgid: number): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z" || Number(fields[2]) !== pgid) continue;
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      found.push({
        pid: Number(entry),
        comm,
        cmdline: readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim(),
      });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
  });

type Ports = { web: number; pg: number; pacs: number };

async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in of ${email}: HTTP ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

const trpcAs = (baseUrl: string, cookie: string) =>
  createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseUrl}/api/trpc`, transformer: superjson, headers: { cookie, origin: baseUrl } })],
  });

/** Ctrl-C: SIGINT to the whole foreground process group, then everything must be gone. */
async function pressCtrlC(
  started: Started,
  ports: Partial<Ports>,
  label: string,
  expect: { pacs: boolean },
): Promise<void> {
  const pgid = started.child.pid!;
  const before = processGroup(pgid);
  const has = (test: (p: Proc) => boolean) => before.some(test);
  check(
    has((p) => p.comm === "postgres"),
    `${label}: Postgres runs in npm start's process group`,
  );
  if (expect.pacs)
    check(
      has((p) => p.comm === "Orthanc"),
      `${label}: the demo Orthanc runs in npm start's process group`,
    );
  check(
    has((p) => p.cmdline.includes("scripts/worker.ts")),
    `${label}: a worker process runs`,
  );
  check(
    has((p) => p.comm.startsWith("next-server") || /next(\/dist\/bin\/next)? start/.test(p.cmdline)),
    `${label}: the web server runs`,
  );
  killGroup(pgid, "SIGINT");
  const code = await Promise.race([started.exited, sleep(STOP_TIMEOUT_MS).then(() => "timeout" as const)]);
  check(code !== "timeout", `${label}: npm start ends within ${STOP_TIMEOUT_MS / 1000} s of Ctrl-C`);
  await waitFor(async () => processGroup(pgid).length === 0, 15_000);
  const left = processGroup(pgid);
  check(
    left.length === 0,
    `${label}: nothing is left running after Ctrl-C${left.length ? ` (left: ${left.map((p) => `${p.pid} ${p.comm}`).join(", ")})` : ""}`,
  );
  for (const [name, port] of Object.entries(ports) as [string, number][])
    check(!(await portOpen(port)), `${label}: port ${port} (${name}) is closed after Ctrl-C`);
  if (left.length) killGroup(pgid, "SIGKILL");
}

async function freePorts(): Promise<Ports> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [web, pg, pacs] = [...ports] as [number, number, number];
  return { web, pg, pacs };
}

function portEnv(ports: Ports): Record<string, string> {
  return {
    PORT: String(ports.web),
    EMBEDDED_PG_PORT: String(ports.pg),
    DEMO_PACS_PORT: String(ports.pacs),
    BETTER_AUTH_URL: `http://127.0.0.1:${ports.web}`,
  };
}

/** Signs in as every demo role: each lands on its own page; the radiologist sees demo studies (when a PACS runs). */
async function checkRoles(baseUrl: string, label: string, expectStudies: boolean): Promise<void> {
  for (const user of DEMO_USERS) {
    const cookie = await signIn(baseUrl, user.email, DEMO_PASSWORD).catch((e: Error) => {
      check(false, `${label}: ${user.email} signs in (${e.message})`);
      return null;
    });
    if (!cookie) continue;
    const home = homeFor(user.roles);
    const landing = await fetch(`${baseUrl}/`, { headers: { cookie }, redirect: "manual" });
    check(
      landing.headers.get("location")?.endsWith(home) ?? false,
      `${label}: ${user.email} lands on ${home} (got ${landing.status} → ${landing.headers.get("location")})`,
    );
    const page = await fetch(`${baseUrl}${home}`, { headers: { cookie }, redirect: "manual" });
    check(page.status === 200, `${label}: ${user.email} opens ${home} (HTTP ${page.status})`);
    if (user.roles.includes("radiologist") && expectStudies) {
      const client = trpcAs(baseUrl, cookie);
      let count = 0;
      const seen = await waitFor(async () => {
        count = (await client.worklist.list.query({ limit: 100 })).rows.length;
        return count > 0;
      }, 5 * 60_000);
      check(seen, `${label}: the radiologist's worklist shows demo studies (${count})`);
      // Once the demo day is in and scored, AI-critical studies are a few percent of the list, not half of it.
      let rows: { critical: boolean; ai: unknown }[] = [];
      const scored = await waitFor(async () => {
        rows = (await client.worklist.list.query({ limit: 100 })).rows;
        return rows.length >= 40 && rows.every((r) => r.ai !== null);
      }, 3 * 60_000);
      const critical = rows.filter((r) => r.critical).length;
      check(
        scored && critical > 0 && critical / rows.length <= 0.1,
        `${label}: ${critical} of ${rows.length} demo studies are AI-critical, a few percent${scored ? "" : " (not all scored within 3 minutes)"}`,
      );
    }
    if (user.roles.includes("scheduler") && expectStudies) {
      // The history's reads of the last two hours give the scheduler a clearance forecast on a fresh start.
      const forecast = await trpcAs(baseUrl, cookie).department.forecast.query();
      check(
        forecast.basis === "recent-rate" && forecast.open > 0,
        `${label}: the scheduler's backlog has a clearance forecast (${forecast.basis === "recent-rate" ? `${forecast.readsPerHour} reads an hour, ${forecast.open} open, ${forecast.late} late` : forecast.basis})`,
      );
    }
    if (user.roles.includes("chair") && expectStudies) {
      // The four weeks of demo history give the chair figures on a fresh start, marked as demo data.
      const client = trpcAs(baseUrl, cookie);
      const day = await client.department.throughput.query({ windowHours: 24 });
      check(
        day.read > 100 && day.medianTurnaroundMinutes !== null,
        `${label}: the chair's last 24 hours show reads from the demo history (${day.read} read)`,
      );
      check((await page.text()).includes("Demo data"), `${label}: the chair's page says it shows demo data`);
    }
  }
}

async function adminSources(baseUrl: string) {
  const admin = DEMO_USERS.find((u) => u.roles.includes("admin"))!;
  return trpcAs(baseUrl, await signIn(baseUrl, admin.email, DEMO_PASSWORD)).pacsSources.list.query();
}

/** `npm install && npm start` in a fresh copy, as `runner`; everything checked, then stopped with Ctrl-C. */
async function firstRun(runner: Runner, extraChecks: boolean): Promise<void> {
  const label = runner.root ? "root" : `user ${runner.name}`;
  const temp = mkdtempSync(path.join(os.tmpdir(), "readnext-smoke-"));
  const clone = path.join(temp, "readnext");
  freshCopy(clone, runner);
  const ports = await freePorts();
  const env = loginEnv(runner, portEnv(ports));
  const baseUrl = `http://127.0.0.1:${ports.web}`;
  say(`${label}: \`${FIRST_COMMAND}\` in ${clone} (web ${ports.web}, Postgres ${ports.pg}, demo PACS ${ports.pacs})`);
  const started = startCommand(FIRST_COMMAND, clone, runner, env, label);
  try {
    const up = await waitFor(
      async () => (await fetch(`${baseUrl}/sign-in`)).status === 200,
      INSTALL_AND_BUILD_TIMEOUT_MS,
      started,
    );
    check(up, `${label}: the sign-in page answers`);
    if (!up) {
      say(`${label}: npm start output:\n${tail(started.output(), 60)}`);
      return;
    }
    check(
      await waitFor(async () => (await fetch(`${baseUrl}/api/health`)).status === 200, 60_000),
      `${label}: /api/health answers 200`,
    );
    await checkRoles(baseUrl, label, true);
    const demo = (await adminSources(baseUrl)).find((s) => s.managedByEnv);
    check(Boolean(demo && !demo.unavailableReason), `${label}: the admin page lists the running demo PACS`);

    if (extraChecks) {
      const second = startCommand("npm start", clone, runner, env, `${label} second`);
      const secondCode = await Promise.race([second.exited, sleep(90_000).then(() => "timeout" as const)]);
      if (secondCode === "timeout") killGroup(second.child.pid!, "SIGKILL");
      check(
        secondCode !== "timeout" && secondCode !== 0 && /already running/i.test(second.output()),
        `${label}: a second npm start in the same folder stops with a clear message (${tail(second.output(), 3)})`,
      );
      check(
        (await fetch(`${baseUrl}/api/health`)).status === 200,
        `${label}: the first npm start still serves after the second was refused`,
      );
    }
    await pressCtrlC(started, ports, label, { pacs: true });

    if (extraChecks) {
      // A port already in use: refused at once, with the port named, nothing left running.
      const blocker = net.createServer().listen(ports.web, "127.0.0.1");
      await new Promise((r) => blocker.once("listening", r));
      const busy = startCommand("npm start", clone, runner, env, `${label} busy port`);
      const busyCode = await Promise.race([busy.exited, sleep(90_000).then(() => "timeout" as const)]);
      check(
        busyCode !== "timeout" && busyCode !== 0 && busy.output().includes(`Port ${ports.web} is already in use`),
        `${label}: a web port in use stops start-up with a message naming it (${tail(busy.output(), 3)})`,
      );
      check(processGroup(busy.child.pid!).length === 0, `${label}: nothing is left running after the port message`);
      if (busyCode === "timeout") killGroup(busy.child.pid!, "SIGKILL");
      blocker.close();

      // No Orthanc on this machine (or not allowed to install it): everything else comes up, and the admin page says what to do.
      const noPacs = startCommand(
        "npm start",
        clone,
        runner,
        { ...env, ORTHANC_BINARY: path.join(temp, "no-orthanc-here", "Orthanc") },
        `${label} no Orthanc`,
      );
      const upWithout = await waitFor(
        async () => (await fetch(`${baseUrl}/api/health`)).status === 200,
        5 * 60_000,
        noPacs,
      );
      check(upWithout, `${label}: without Orthanc, npm start still brings the app up`);
      if (upWithout) {
        check(
          /orthanc/i.test(noPacs.output()) &&
            /apt-get install -y orthanc orthanc-dicomweb|DICOMWEB_URL/.test(noPacs.output()),
          `${label}: without Orthanc, start-up says what to install or set`,
        );
        await checkRoles(baseUrl, `${label} without Orthanc`, false);
        const demo = (await adminSources(baseUrl)).find((s) => s.managedByEnv);
        check(
          /not installed/i.test(demo?.unavailableReason ?? ""),
          `${label}: the admin page shows the demo PACS as not available, with the reason (${demo?.unavailableReason})`,
        );
        await pressCtrlC(noPacs, { web: ports.web, pg: ports.pg }, `${label} without Orthanc`, { pacs: false });
      } else {
        say(`${label} without Orthanc: output:\n${tail(noPacs.output(), 40)}`);
        killGroup(noPacs.child.pid!, "SIGKILL");
      }
    }
  } catch (error) {
    check(false, `${label}: ${(error as Error).stack ?? error}`);
    say(`${label}: npm start output:\n${tail(started.output(), 60)}`);
  } finally {
    if (!ended(started)) killGroup(started.child.pid!, "SIGKILL");
    if (!failures.length) rmSync(temp, { recursive: true, force: true });
    else say(`${label}: left ${clone} for a look`);
  }
}

const uid = process.getuid?.() ?? 0;
const smokeUser = process.env.SMOKE_USER ?? "readnext-smoke";
const startedAt = Date.now();
if (uid !== 0) {
  say(
    `not root: the ordinary-user run only (as ${os.userInfo().username}); root is covered where this runs as root (.ci/run)`,
  );
  await firstRun(runnerFor(os.userInfo().username), true);
} else {
  if (userExists(smokeUser)) await firstRun(runnerFor(smokeUser), true);
  else if (process.env.CI)
    check(false, `the unprivileged user ${smokeUser} exists (.ci/run creates it: useradd --create-home ${smokeUser})`);
  else
    say(
      `SKIPPED the ordinary-user run: no user ${smokeUser} (create one with \`useradd --create-home ${smokeUser}\`, or set SMOKE_USER)`,
    );
  await firstRun(runnerFor("root"), false);
}
say(
  `${failures.length ? `${failures.length} check(s) failed` : "all checks passed"} in ${Math.round((Date.now() - startedAt) / 1000)} s`,
);
process.exit(failures.length ? 1 : 0);

// What `npm start` checks before it starts anything, so a first run fails with a sentence
// that says what to do instead of a stack trace from deep inside Postgres or Next.js.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import semver from "semver";

/** The Node.js versions package.json's `engines` allows; null when this Node is one of them, else the message. */
export function nodeVersionProblem(version: string, engines: string): string | null {
  if (semver.satisfies(version, engines)) return null;
  return `ReadNext needs Node.js ${engines}; this is ${version}. Install a current Node.js 20 or newer (https://nodejs.org, or your package manager) and run npm install again.`;
}

/** Resolves with the problem in words when host:port cannot be listened on, else null. */
export function portProblem(host: string, port: number, what: string): Promise<string | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === "EADDRINUSE"
          ? `Port ${port} is already in use (${what}): another program, perhaps another ReadNext, listens there. Stop it, or choose a free port.`
          : `Cannot listen on ${host}:${port} (${what}): ${error.message}.`,
      ),
    );
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/** Whether `pid` is a live `npm start` (where /proc tells; a reused pid of another program is not). */
function startIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("start.ts");
  } catch {
    return true; // no /proc (macOS): trust the pid
  }
}

/**
 * One `npm start` per data folder: a second one would share its Postgres data and demo PACS.
 * Returns a release function, or the message when another start holds the folder.
 */
export function takeStartLock(dataDir: string): { release: () => void } | { problem: string } {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "readnext.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(file, "utf8").trim());
      if (holder && holder !== process.pid && startIsRunning(holder)) {
        return {
          problem: `ReadNext is already running from this folder (npm start, pid ${holder}, data in ${path.resolve(dataDir)}). Stop it with Ctrl-C in its terminal first, or run another copy with its own DATA_DIR and ports.`,
        };
      }
      rmSync(file, { force: true }); // left by a start that was killed
    }
  }
  return { problem: `Could not take ${file}: another npm start is starting from this folder at the same moment.` };
}

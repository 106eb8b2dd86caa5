import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import net from "node:net";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { nodeVersionProblem, portProblem, takeStartLock } from "@/server/runtime/preflight";

describe("Node.js version check (package.json engines)", () => {
  const engines = JSON.parse(readFileSync("package.json", "utf8")).engines.node as string;

  it.each(["v20.19.0", "v20.20.2", "v22.1.0", "v24.0.0"])("accepts %s", (version) => {
    expect(nodeVersionProblem(version, engines)).toBeNull();
  });

  it.each(["v18.20.4", "v20.18.3", "v16.0.0"])("refuses %s with the required range and the fix", (version) => {
    const problem = nodeVersionProblem(version, engines);
    expect(problem).toContain(`needs Node.js ${engines}`);
    expect(problem).toContain(`this is ${version}`);
    expect(problem).toContain("npm install again");
  });
});

describe("port check", () => {
  it("names a port another program listens on, and what it was for", async () => {
    const server = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      expect(await portProblem("127.0.0.1", port, "the web server, PORT")).toBe(
        `Port ${port} is already in use (the web server, PORT): another program, perhaps another ReadNext, listens there. Stop it, or choose a free port.`,
      );
    } finally {
      server.close();
    }
    // Free again once that program stops, and the check itself leaves nothing listening.
    expect(await portProblem("127.0.0.1", port, "the web server, PORT")).toBeNull();
    expect(await portProblem("127.0.0.1", port, "the web server, PORT")).toBeNull();
  });
});

describe("one npm start per data folder", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a second start while the first runs, and frees the folder when it stops", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "readnext-lock-"));
    // Another process that is an `npm start` (its command line names start.ts) holds the folder.
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)", "scripts/start.ts"], {
      stdio: "ignore",
    });
    try {
      writeFileSync(path.join(dir, "readnext.pid"), String(other.pid));
      const second = takeStartLock(dir);
      expect(second).toEqual({
        problem: `ReadNext is already running from this folder (npm start, pid ${other.pid}, data in ${dir}). Stop it with Ctrl-C in its terminal first, or run another copy with its own DATA_DIR and ports.`,
      });
      expect(readFileSync(path.join(dir, "readnext.pid"), "utf8")).toBe(String(other.pid));
    } finally {
      other.kill("SIGKILL");
      await new Promise((r) => other.once("exit", r));
    }
    // It stopped: the folder is free, and releasing removes the pid file.
    const next = takeStartLock(dir);
    expect(readFileSync(path.join(dir, "readnext.pid"), "utf8")).toBe(String(process.pid));
    if ("release" in next) next.release();
    expect(existsSync(path.join(dir, "readnext.pid"))).toBe(false);
  });

  it("does not mistake a reused pid of another program for a running start", () => {
    dir = mkdtempSync(path.join(tmpdir(), "readnext-lock-"));
    writeFileSync(path.join(dir, "readnext.pid"), String(process.pid === 1 ? 2 : 1));
    expect("release" in takeStartLock(dir)).toBe(true);
  });

  it("takes over a pid file left by a start that was killed", () => {
    dir = mkdtempSync(path.join(tmpdir(), "readnext-lock-"));
    writeFileSync(path.join(dir, "readnext.pid"), "999999999");
    const lock = takeStartLock(dir);
    expect("release" in lock).toBe(true);
    expect(readFileSync(path.join(dir, "readnext.pid"), "utf8")).toBe(String(process.pid));
  });
});

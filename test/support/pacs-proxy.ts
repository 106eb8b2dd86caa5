import { createServer, request as httpRequest } from "node:http";
import { freePort } from "./test-database";

/** What the proxy does with one request: pass it on (after a delay), or answer it with a status itself. */
export type ProxyRule = (req: { method: string; url: string }) => { delayMs?: number; status?: number } | undefined;

/**
 * A loopback HTTP proxy in front of a real PACS, for the failures a real network has: a
 * slow link, a 503 from a busy server. Everything a rule does not touch goes through as is.
 */
export async function startPacsProxy(
  targetBaseUrl: string,
  rule: ProxyRule,
): Promise<{ baseUrl: string; dicomWebUrl: string; stop: () => Promise<void> }> {
  const target = new URL(targetBaseUrl);
  const port = await freePort();
  const server = createServer((req, res) => {
    const action = rule({ method: req.method ?? "GET", url: req.url ?? "" }) ?? {};
    if (action.status) {
      res.writeHead(action.status).end();
      return;
    }
    setTimeout(() => {
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    }, action.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    dicomWebUrl: `${baseUrl}/dicom-web`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

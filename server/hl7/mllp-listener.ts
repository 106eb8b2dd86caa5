import net from "node:net";
import type { Db } from "../db/client";
import { MllpFramer, VT, FS, CR } from "@/lib/hl7/mllp-framer";
import { keepBrokenFrame, takeHl7Message } from "./hl7-intake";
import { log } from "../log";

export type MllpListenerOptions = {
  host: string;
  port: number;
  maxMessageBytes: number;
  /** A message begun but not finished within this time closes the connection. */
  frameTimeoutMs: number;
  maxConnections: number;
};

export type RunningMllpListener = { port: number; close: () => Promise<void> };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** HL7 v2 is often sent in Latin-1 (MSH-18 8859/1); UTF-8 when it decodes as such. */
function decode(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

const frame = (text: string) => Buffer.concat([Buffer.of(VT), Buffer.from(text, "utf8"), Buffer.of(FS, CR)]);

/**
 * The HL7 v2 listener (MLLP over TCP): each message is answered, in order, with its ACK or NAK;
 * a connection whose bytes cannot be framed is closed with the reason logged and kept for the
 * admin page. One connection's trouble never touches another's.
 */
export function startMllpListener(db: Db, options: MllpListenerOptions): Promise<RunningMllpListener> {
  const sockets = new Set<net.Socket>();
  // Half-open allowed: a sender that shuts its side after the last message (nc, batch senders)
  // still gets its ACKs; the connection ends once they are written.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const remote = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;
    if (sockets.size >= options.maxConnections) {
      log.warn({ remote, open: sockets.size }, "HL7: too many connections; refused one");
      socket.destroy();
      return;
    }
    sockets.add(socket);
    const framer = new MllpFramer({ maxMessageBytes: options.maxMessageBytes, maxSkippedBytes: 4096 });
    // Messages are handled one after another so ACKs go back in the order the messages came.
    let queue = Promise.resolve();
    let timer: NodeJS.Timeout | null = null;
    const close = (reason: string, head: Buffer) => {
      log.warn({ remote, reason }, "HL7: connection closed");
      socket.destroy();
      queue = queue.then(() => keepBrokenFrame(db, head, reason, remote));
    };
    const watchPartial = () => {
      if (timer) clearTimeout(timer);
      timer = framer.pending
        ? setTimeout(
            () => close(`no end of message (FS CR) within ${options.frameTimeoutMs / 1000} s`, Buffer.alloc(0)),
            options.frameTimeoutMs,
          )
        : null;
    };
    socket.on("data", (data: Buffer) => {
      for (const event of framer.push(data)) {
        if (event.type === "fatal") {
          close(event.reason, event.head);
          return;
        }
        if (event.type === "frame") {
          const text = decode(event.bytes);
          queue = queue
            .then(async () => {
              const result = await takeHl7Message(db, text, remote);
              if (!socket.destroyed) socket.write(frame(result.ack));
            })
            .catch((error: Error) => log.error({ remote, err: error.message }, "HL7: message not answered"));
        }
      }
      watchPartial();
    });
    socket.on("end", () => void queue.then(() => socket.end()));
    socket.on("error", (error) => log.warn({ remote, err: error.message }, "HL7: connection error"));
    socket.on("close", () => {
      if (timer) clearTimeout(timer);
      sockets.delete(socket);
    });
  });
  server.maxConnections = options.maxConnections + 1;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : options.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

import { createDb } from "../db/client";
import { env } from "../env";
import { log } from "../log";
import { startMllpListener } from "./mllp-listener";
import { pruneHl7Messages } from "./hl7-intake";

const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * The HL7 listener process (npm run hl7; npm start runs it when HL7_PORT is set): one per
 * deployment, since it owns the port. Stops cleanly on SIGTERM / SIGINT.
 */
export async function runHl7Listener(): Promise<void> {
  const config = env();
  if (!config.DATABASE_URL)
    throw new Error("The HL7 listener needs DATABASE_URL (npm start provides one to the processes it starts).");
  if (!config.HL7_PORT) throw new Error("Set HL7_PORT to the port the RIS sends HL7 v2 (MLLP) to.");
  const db = createDb(config.DATABASE_URL);
  const listener = await startMllpListener(db, {
    host: config.HL7_HOST,
    port: config.HL7_PORT,
    maxMessageBytes: config.HL7_MAX_MESSAGE_BYTES,
    frameTimeoutMs: config.HL7_FRAME_TIMEOUT_SECONDS * 1000,
    maxConnections: 64,
  });
  const prune = () =>
    pruneHl7Messages(db).catch((e: Error) => log.warn({ err: e.message }, "HL7: pruning the message log failed"));
  void prune();
  const pruning = setInterval(prune, PRUNE_EVERY_MS);
  log.info({ host: config.HL7_HOST, port: listener.port }, "HL7 listener started");
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  clearInterval(pruning);
  await listener.close();
  await db.$disconnect();
  log.info("HL7 listener stopped");
}

import pino from "pino";
import { env } from "./env";

/** The server's structured logger; JSON lines on stdout. */
export const log = pino({ level: env().LOG_LEVEL, base: { app: "readnext" } });

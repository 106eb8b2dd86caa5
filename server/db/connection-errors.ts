/**
 * Whether an error says the database connection went away (the server restarting or shutting
 * down, the network dropping), not that a statement was wrong: SQLSTATE class 08 (connection
 * exception) and 57P01–57P03 (shutdown, crash, cannot connect now), node-postgres's own
 * "Connection terminated" errors, and socket errors on the way to the server.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as Error & { code?: unknown };
  if (typeof code === "string" && (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code))) return true;
  if (typeof code === "string" && ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"].includes(code)) return true;
  return /^Connection terminated|Client has encountered a connection error|Can't reach database server/.test(
    error.message,
  );
}

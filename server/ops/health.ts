import type { Db } from "../db/client";

export type Health = { status: "ok" | "degraded"; database: { ok: boolean; latencyMs: number; error?: string } };

/** Whether the database answers, and how fast. */
export async function checkHealth(database: Db): Promise<Health> {
  const started = performance.now();
  try {
    await database.$queryRaw`SELECT 1`;
    return { status: "ok", database: { ok: true, latencyMs: Math.round(performance.now() - started) } };
  } catch (error) {
    return {
      status: "degraded",
      database: {
        ok: false,
        latencyMs: Math.round(performance.now() - started),
        error: (error as Error).message.slice(0, 300),
      },
    };
  }
}

import { createHmac } from "node:crypto";
import type { Db } from "../db/client";

/** Signature a receiver recomputes: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * POSTs one critical finding to the department's webhook (paging, chat). Throws on a
 * network error or a non-2xx answer, so the queue retries with backoff.
 */
export async function sendCriticalWebhook(
  db: Db,
  config: { url: string; secret: string; appUrl: string },
  aiResultId: string,
): Promise<"sent" | "gone"> {
  const result = await db.aiResult.findUnique({
    where: { id: aiResultId },
    select: {
      id: true,
      modelId: true,
      modelVersion: true,
      finding: true,
      probability: true,
      createdAt: true,
      studyRevision: true,
      shadow: true,
      study: {
        select: {
          id: true,
          accessionNumber: true,
          studyInstanceUid: true,
          patientId: true,
          description: true,
          modalities: true,
          patientLocation: true,
          readingState: true,
        },
      },
    },
  });
  // Shadow results page nobody (they are never queued here; this guards a stray job).
  if (!result || result.shadow) return "gone";
  const body = JSON.stringify({
    event: "critical-finding",
    aiResultId: result.id,
    at: result.createdAt.toISOString(),
    finding: result.finding,
    probability: result.probability,
    model: { id: result.modelId, version: result.modelVersion },
    study: {
      accessionNumber: result.study.accessionNumber,
      studyInstanceUid: result.study.studyInstanceUid,
      patientId: result.study.patientId,
      description: result.study.description,
      modalities: result.study.modalities,
      patientLocation: result.study.patientLocation,
      readingState: result.study.readingState,
      worklistUrl: `${config.appUrl.replace(/\/$/, "")}/worklist?study=${result.study.id}`,
    },
  });
  await postWebhook(config, "critical-finding", body);
  return "sent";
}

/** POSTs a signed event to the department's webhook; throws on a network error or a non-2xx answer (the queue retries). */
export async function postWebhook(config: { url: string; secret: string }, event: string, body: string): Promise<void> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await fetch(config.url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-ReadNext-Timestamp": timestamp,
      "X-ReadNext-Signature": signWebhook(config.secret, timestamp, body),
      "X-ReadNext-Event": event,
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
}

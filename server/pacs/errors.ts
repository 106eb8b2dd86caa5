export type PacsErrorKind = "unreachable" | "timeout" | "unauthorized" | "not-found" | "http" | "invalid-response";

/** Every failure of a PACS call, classified so callers can decide to retry and admins can read why. */
export class PacsError extends Error {
  constructor(
    readonly kind: PacsErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** Worth trying again later: the PACS may come back, stop throttling (429) or answer properly next time. */
  get transient(): boolean {
    return (
      this.kind === "unreachable" ||
      this.kind === "timeout" ||
      this.kind === "invalid-response" ||
      (this.kind === "http" && ((this.status ?? 0) >= 500 || this.status === 429))
    );
  }
}

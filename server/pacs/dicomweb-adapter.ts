import type { DicomJson } from "@/lib/dicom/dicom-json";
import { PacsError } from "./errors";
import { authorizationHeader, type PacsSourceConfig } from "./source-config";
import {
  createDicomWebClient,
  GuardedXhr,
  type DicomWebClientCalls,
  type RequestOptions,
} from "./dicomweb-client-shim";

export const STUDY_ATTRIBUTES = {
  StudyDescription: "00081030",
  RequestedProcedurePriority: "00401003",
  CurrentPatientLocation: "00380300",
  InstitutionalDepartmentName: "00081040",
  AdmittingDiagnosesDescription: "00081080",
  InstitutionName: "00080080",
} as const;

export type StudyQuery = {
  studyDateFrom?: string;
  studyInstanceUid?: string;
  accessionNumber?: string;
  limit: number;
  offset: number;
  extraFields?: string[];
};

/** The one way ReadNext talks to a PACS: QIDO-RS search, WADO-RS retrieve, STOW-RS store. */
export class DicomWebAdapter {
  private readonly client: DicomWebClientCalls;

  constructor(readonly config: PacsSourceConfig) {
    const headers = authorizationHeader(config.auth);
    this.client = createDicomWebClient({
      url: config.baseUrl,
      ...(config.qidoRoot ? { qidoURLPrefix: config.qidoRoot } : {}),
      ...(config.wadoRoot ? { wadoURLPrefix: config.wadoRoot } : {}),
      ...(config.stowRoot ? { stowURLPrefix: config.stowRoot } : {}),
      headers,
    });
  }

  /** QIDO-RS studies, optionally from a StudyDate onwards; one page. */
  async searchStudies(query: StudyQuery): Promise<DicomJson[]> {
    const queryParams: Record<string, unknown> = { limit: query.limit, offset: query.offset };
    if (query.studyDateFrom) queryParams.StudyDate = `${query.studyDateFrom}-`;
    if (query.studyInstanceUid) queryParams.StudyInstanceUID = query.studyInstanceUid;
    if (query.accessionNumber) queryParams.AccessionNumber = query.accessionNumber;
    if (this.config.capabilities.includeField)
      queryParams.includefield = [...Object.values(STUDY_ATTRIBUTES), ...(query.extraFields ?? [])];
    return this.call(
      "search studies",
      (request) => this.client.searchForStudies({ queryParams, request }),
      expectJsonArray,
    );
  }

  /** QIDO-RS series of one study. */
  async searchSeries(studyInstanceUid: string): Promise<DicomJson[]> {
    const queryParams = this.config.capabilities.includeField
      ? { includefield: ["00180015", "00080008", "00180050"] }
      : {};
    return this.call(
      "search series",
      (request) => this.client.searchForSeries({ studyInstanceUID: studyInstanceUid, queryParams, request }),
      expectJsonArray,
    );
  }

  /** QIDO-RS instances of one series, with what places each image in the stack (ImagePositionPatient, InstanceNumber, NumberOfFrames). */
  async searchInstances(studyInstanceUid: string, seriesInstanceUid: string): Promise<DicomJson[]> {
    const queryParams = this.config.capabilities.includeField
      ? { includefield: ["00200032", "00200013", "00280008"] }
      : {};
    return this.call(
      "search instances",
      (request) =>
        this.client.searchForInstances({
          studyInstanceUID: studyInstanceUid,
          seriesInstanceUID: seriesInstanceUid,
          queryParams,
          request,
        }),
      expectJsonArray,
    );
  }

  /** WADO-RS frames, asking for explicit little endian where the server transcodes. */
  async retrieveFrames(
    uids: { study: string; series: string; instance: string },
    frameNumbers: number[],
  ): Promise<Uint8Array[]> {
    const mediaTypes = this.config.capabilities.transcoding
      ? [{ mediaType: "application/octet-stream", transferSyntaxUID: "1.2.840.10008.1.2.1" }]
      : undefined;
    return this.call(
      "retrieve frames",
      (request) =>
        this.client.retrieveInstanceFrames({
          studyInstanceUID: uids.study,
          seriesInstanceUID: uids.series,
          sopInstanceUID: uids.instance,
          frameNumbers,
          mediaTypes,
          request,
        }),
      expectParts,
    );
  }

  /**
   * WADO-RS: every instance of a series as Part 10 bytes, in explicit little endian
   * where the server transcodes (else as stored, decoded locally or refused by name).
   */
  async retrieveSeriesInstances(studyInstanceUid: string, seriesInstanceUid: string): Promise<Uint8Array[]> {
    const mediaTypes = this.config.capabilities.transcoding
      ? [{ mediaType: "application/dicom", transferSyntaxUID: "1.2.840.10008.1.2.1" }]
      : undefined;
    const url = `${this.client.wadoURL}/studies/${encodeURIComponent(studyInstanceUid)}/series/${encodeURIComponent(seriesInstanceUid)}`;
    return this.call(
      "retrieve series",
      (request) => this.client._httpGetMultipartApplicationDicom(url, mediaTypes ?? false, false, request),
      expectParts,
    );
  }

  /**
   * WADO-RS: these instances of a series as Part 10 bytes, in the order given, `parallel`
   * requests at a time; transfer syntax as for retrieveSeriesInstances.
   */
  async retrieveInstances(
    studyInstanceUid: string,
    seriesInstanceUid: string,
    sopInstanceUids: string[],
    parallel = 4,
  ): Promise<Uint8Array[]> {
    const mediaTypes = this.config.capabilities.transcoding
      ? [{ mediaType: "application/dicom", transferSyntaxUID: "1.2.840.10008.1.2.1" }]
      : undefined;
    const seriesUrl = `${this.client.wadoURL}/studies/${encodeURIComponent(studyInstanceUid)}/series/${encodeURIComponent(seriesInstanceUid)}`;
    const out: Uint8Array[] = new Array(sopInstanceUids.length);
    let next = 0;
    let failed = false;
    const lane = async () => {
      // After one failure the others stop taking instances: the whole retrieve has failed.
      for (let i = next++; i < sopInstanceUids.length && !failed; i = next++) {
        const url = `${seriesUrl}/instances/${encodeURIComponent(sopInstanceUids[i]!)}`;
        try {
          const parts = await this.call(
            "retrieve instance",
            (request) => this.client._httpGetMultipartApplicationDicom(url, mediaTypes ?? false, false, request),
            expectParts,
          );
          out[i] = parts[0]!;
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, sopInstanceUids.length) }, lane));
    return out;
  }

  /** STOW-RS: stores Part 10 instances. */
  async storeInstances(instances: Uint8Array[]): Promise<void> {
    const datasets = instances.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    await this.call(
      "store instances",
      (request) => this.client.storeInstances({ datasets, request }),
      (x) => x,
    );
  }

  /** Test connection: one QIDO search of a single study. */
  async ping(): Promise<{ ok: true; latencyMs: number }> {
    const started = performance.now();
    await this.searchStudies({ limit: 1, offset: 0 });
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  }

  /** Orthanc's REST root, next to its DICOMweb root (".../dicom-web"). */
  private get orthancRoot(): string {
    return this.config.baseUrl.replace(/\/dicom-web\/?$/, "");
  }

  private async orthancGet(path: string): Promise<unknown> {
    const headers = authorizationHeader(this.config.auth);
    const what = `${this.config.name}: Orthanc ${path.split("?")[0]}`;
    let response: Response;
    try {
      response = await fetch(`${this.orthancRoot}${path}`, {
        headers,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError";
      throw new PacsError(
        timedOut ? "timeout" : "unreachable",
        `${what}: ${timedOut ? `timed out after ${this.config.timeoutMs} ms` : `cannot reach ${this.orthancRoot}`}`,
      );
    }
    if (response.status === 401 || response.status === 403)
      throw new PacsError(
        "unauthorized",
        `${what}: the PACS refused the credentials (HTTP ${response.status})`,
        response.status,
      );
    if (!response.ok)
      throw new PacsError(
        response.status === 404 ? "not-found" : "http",
        `${what}: HTTP ${response.status}`,
        response.status,
      );
    try {
      return await response.json();
    } catch {
      throw new PacsError("invalid-response", `${what}: invalid JSON`);
    }
  }

  /**
   * Orthanc's change feed after `since` (null: only learn where the feed ends now).
   * Returns the study-level Orthanc ids that changed and the new cursor.
   */
  async orthancChanges(
    since: bigint | null,
    limit = 200,
  ): Promise<{ studyIds: string[]; newStudyIds: string[]; last: bigint; done: boolean }> {
    const body = (await this.orthancGet(
      since === null ? "/changes?last" : `/changes?since=${since}&limit=${limit}`,
    )) as {
      Changes?: { ChangeType?: string; ResourceType?: string; ID?: string }[];
      Last?: number;
      Done?: boolean;
    };
    if (!body || typeof body.Last !== "number" || !Array.isArray(body.Changes))
      throw new PacsError("invalid-response", `${this.config.name}: Orthanc /changes: unexpected answer`);
    const studyIds = new Set<string>();
    const newStudyIds = new Set<string>();
    for (const c of since === null ? [] : body.Changes) {
      // StableStudy: no new instance for Orthanc's StableAge, i.e. the study is complete
      // (Orthanc emits it again when more instances arrive later).
      if (c.ResourceType === "Study" && c.ChangeType === "StableStudy" && c.ID) studyIds.add(c.ID);
      if (c.ResourceType === "Study" && c.ChangeType === "NewStudy" && c.ID) newStudyIds.add(c.ID);
    }
    return { studyIds: [...studyIds], newStudyIds: [...newStudyIds], last: BigInt(body.Last), done: body.Done ?? true };
  }

  /** How many instances Orthanc holds for a study id so far, or null when it no longer has it. */
  async orthancStudyInstanceCount(orthancId: string): Promise<number | null> {
    try {
      const body = (await this.orthancGet(`/studies/${encodeURIComponent(orthancId)}/statistics`)) as {
        CountInstances?: number;
      };
      return typeof body?.CountInstances === "number" ? body.CountInstances : null;
    } catch (error) {
      if (error instanceof PacsError && error.kind === "not-found") return null;
      throw error;
    }
  }

  /** StudyInstanceUID of an Orthanc study id, or null when Orthanc no longer has it. */
  async orthancStudyInstanceUid(orthancId: string): Promise<string | null> {
    try {
      const body = (await this.orthancGet(`/studies/${encodeURIComponent(orthancId)}`)) as {
        MainDicomTags?: { StudyInstanceUID?: string };
      };
      return body?.MainDicomTags?.StudyInstanceUID ?? null;
    } catch (error) {
      if (error instanceof PacsError && error.kind === "not-found") return null;
      throw error;
    }
  }

  private async call<T>(
    what: string,
    run: (request: RequestOptions) => Promise<unknown>,
    check: (value: unknown, what: string) => T,
  ): Promise<T> {
    const xhr = new GuardedXhr();
    xhr.timeout = this.config.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const failed = new Promise<never>((_, reject) => {
      xhr.failure = (error) =>
        reject(
          new PacsError(
            "invalid-response",
            `${this.config.name}: ${what}: unreadable response (${(error as Error).message})`,
          ),
        );
      // A hard deadline as well as the socket's idle timeout: a PACS that trickles bytes must not hang us.
      timer = setTimeout(() => {
        xhr.abort();
        reject(
          new PacsError(
            "timeout",
            `${this.config.name}: ${what}: no complete answer within ${this.config.timeoutMs} ms`,
          ),
        );
      }, this.config.timeoutMs * 2);
    });
    try {
      const value = await Promise.race([run({ instance: xhr as unknown as XMLHttpRequest }), failed]);
      return check(value, `${this.config.name}: ${what}`);
    } catch (error) {
      throw this.classify(error, what, xhr);
    } finally {
      clearTimeout(timer);
    }
  }

  private classify(error: unknown, what: string, xhr: GuardedXhr): Error {
    if (error instanceof PacsError) return error;
    // Thrown before any request went out: a bug on our side, not the PACS being unreachable.
    if (xhr.readyState === 0 && !xhr.timedOut && error instanceof Error && !("status" in error)) return error;
    const status = (error as { status?: number }).status ?? xhr.status;
    const prefix = `${this.config.name}: ${what}`;
    if (xhr.timedOut) return new PacsError("timeout", `${prefix}: timed out after ${this.config.timeoutMs} ms`);
    if (!status) return new PacsError("unreachable", `${prefix}: cannot reach ${this.config.baseUrl}`);
    if (status === 401 || status === 403)
      return new PacsError("unauthorized", `${prefix}: the PACS refused the credentials (HTTP ${status})`, status);
    if (status === 404) return new PacsError("not-found", `${prefix}: not found (HTTP 404)`, status);
    return new PacsError("http", `${prefix}: HTTP ${status}`, status);
  }
}

function expectJsonArray(value: unknown, what: string): DicomJson[] {
  // An empty body (204) arrives as [] or "" depending on the server.
  if (value === "" || value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "object" || v === null)) {
    throw new PacsError(
      "invalid-response",
      `${what}: expected a DICOM JSON array, got ${value === null ? "invalid JSON" : typeof value}`,
    );
  }
  return value as DicomJson[];
}

function expectParts(value: unknown, what: string): Uint8Array[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new PacsError("invalid-response", `${what}: expected multipart frames`);
  return value.map((part) => new Uint8Array(part as ArrayBuffer));
}

// Every workaround ReadNext needs around dicomweb-client (the chosen DICOMweb library, written
// for browsers), in one place, each with the reason and a test (test/unit/dicomweb-client-shim.test.ts
// and the adapter's integration tests against Orthanc). The adapter uses only what this exports.
import XHR2 from "xhr2";
import { api } from "dicomweb-client";

/**
 * Workaround 1: dicomweb-client runs its requests on an XMLHttpRequest, which Node lacks. Every
 * call passes its own instance (GuardedXhr below); the global is only for code paths of the
 * library that make their own.
 */
const g = globalThis as { XMLHttpRequest?: unknown };
g.XMLHttpRequest ??= XHR2;

/**
 * Workaround 2: dicomweb-client sends an includefield list as one "%2C"-joined value, which
 * Orthanc ignores. QIDO-RS allows one includefield parameter per attribute; send that.
 */
export function queryString(params: Record<string, unknown> = {}): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) parts.push(`${key}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}
api.DICOMwebClient._parseQueryParameters = queryString;

/**
 * Workaround 3: dicomweb-client decodes multipart bodies inside XHR callbacks, where an
 * exception (a truncated body) escapes every promise and would crash the process. This
 * XMLHttpRequest reports it through `failure` instead, and remembers a socket timeout.
 */
export class GuardedXhr extends XHR2 {
  failure: ((error: unknown) => void) | null = null;
  timedOut = false;

  constructor() {
    super();
    this.addEventListener("timeout", () => (this.timedOut = true));
  }

  // xhr2 calls every on* handler from dispatchEvent.
  dispatchEvent(event: Event): boolean {
    try {
      return super.dispatchEvent(event);
    } catch (error) {
      this.failure?.(error);
      return false;
    }
  }
}

export type RequestOptions = { instance: XMLHttpRequest };
export type MediaType = { mediaType: string; transferSyntaxUID?: string };

/**
 * The dicomweb-client calls ReadNext uses, typed as the library actually behaves (its shipped
 * types disagree).
 * Workaround 4: retrieveSeries() rejects every transfer syntax it is given ("Media type
 * application/ is not supported": its check compares "application/" with "application/dicom"),
 * so series and instances are retrieved through the library's own multipart helper.
 */
export interface DicomWebClientCalls {
  searchForStudies(o: { queryParams: Record<string, unknown>; request: RequestOptions }): Promise<unknown>;
  searchForSeries(o: {
    studyInstanceUID: string;
    queryParams: Record<string, unknown>;
    request: RequestOptions;
  }): Promise<unknown>;
  searchForInstances(o: {
    studyInstanceUID: string;
    seriesInstanceUID: string;
    queryParams: Record<string, unknown>;
    request: RequestOptions;
  }): Promise<unknown>;
  retrieveInstanceFrames(o: {
    studyInstanceUID: string;
    seriesInstanceUID: string;
    sopInstanceUID: string;
    frameNumbers: number[];
    mediaTypes?: MediaType[];
    request: RequestOptions;
  }): Promise<unknown>;
  readonly wadoURL: string;
  _httpGetMultipartApplicationDicom(
    url: string,
    mediaTypes: MediaType[] | false,
    params: false,
    request: RequestOptions,
  ): Promise<unknown>;
  storeInstances(o: { datasets: ArrayBuffer[]; request: RequestOptions }): Promise<unknown>;
}

/** A dicomweb-client for one server, with the workarounds above in force. */
export function createDicomWebClient(options: {
  url: string;
  qidoURLPrefix?: string;
  wadoURLPrefix?: string;
  stowURLPrefix?: string;
  headers: Record<string, string>;
}): DicomWebClientCalls {
  return new api.DICOMwebClient({ ...options, verbose: false, singlepart: false }) as unknown as DicomWebClientCalls;
}

import { describe, expect, it } from "vitest";
import { api } from "dicomweb-client";
import { GuardedXhr, queryString } from "@/server/pacs/dicomweb-client-shim";

// Each workaround in server/pacs/dicomweb-client-shim.ts, tested on its own. (Retrieving a series
// through the multipart helper, and a truncated multipart body failing the call instead of the
// process, are tested against Orthanc in test/integration/ingest.test.ts and scoring.test.ts.)
describe("dicomweb-client workarounds", () => {
  it("an includefield list goes out as one parameter per attribute, as Orthanc needs", () => {
    expect(queryString({ includefield: ["00180050", "00080008"], limit: 5, StudyDate: "20261201-" })).toBe(
      "?includefield=00180050&includefield=00080008&limit=5&StudyDate=20261201-",
    );
    expect(queryString({})).toBe("");
    expect(queryString()).toBe("");
  });

  it("is what the library itself uses to build its queries", () => {
    expect(api.DICOMwebClient._parseQueryParameters).toBe(queryString);
  });

  it("Node has an XMLHttpRequest for the library", () => {
    expect(typeof (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest).toBe("function");
  });

  it("an exception thrown in an XHR callback is reported, not thrown out of the event", () => {
    const xhr = new GuardedXhr();
    const reported: unknown[] = [];
    xhr.failure = (error) => reported.push(error);
    xhr.onload = () => {
      throw new Error("truncated multipart body");
    };
    // xhr2 dispatches its own plain event objects (a DOM Event has a read-only target).
    expect(() => xhr.dispatchEvent({ type: "load" } as unknown as Event)).not.toThrow();
    expect(reported).toEqual([new Error("truncated multipart body")]);
  });
});

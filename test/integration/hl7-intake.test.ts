// HL7 v2 order intake over MLLP: a real listener on 127.0.0.1, a real MLLP client (@medplum/hl7,
// an independent implementation) and raw sockets for broken framing, a real Postgres, and studies
// that reach ReadNext from a real Orthanc through the normal ingest.
import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Hl7Message } from "@medplum/core";
import { Hl7Client } from "@medplum/hl7";
import { generateStudy, type SyntheticStudy } from "@/lib/synthetic/studies";
import { NO_FILTERS } from "@/lib/worklist-filters";
import { DicomWebAdapter } from "@/server/pacs/dicomweb-adapter";
import { configForUrl } from "@/server/pacs/source-config";
import { createSource } from "@/server/pacs/pacs-sources";
import { syncSource } from "@/server/ingest/sync-source";
import { listWorklist } from "@/server/worklist/list-worklist";
import { claimStudy } from "@/server/worklist/claims";
import { startMllpListener, type RunningMllpListener } from "@/server/hl7/mllp-listener";
import { listRefusedHl7Messages, pruneHl7Messages } from "@/server/hl7/hl7-intake";
import { makeUser, orthancSource, resetDatabase, testDb } from "../support/db";
import { startTestOrthanc, type TestOrthanc } from "../support/orthanc";

let orthanc: TestOrthanc;
let listener: RunningMllpListener;
let client: Hl7Client;
let seed = 7000;
let sourceId: string;
let messageNo = 0;

const LIMIT = 64 * 1024;

beforeAll(async () => {
  orthanc = await startTestOrthanc();
  listener = await startMllpListener(testDb(), {
    host: "127.0.0.1",
    port: 0,
    maxMessageBytes: LIMIT,
    frameTimeoutMs: 700,
    maxConnections: 16,
  });
  client = new Hl7Client({ host: "127.0.0.1", port: listener.port });
});
afterAll(async () => {
  await client?.close();
  await listener?.close();
  await orthanc?.stop();
});
beforeEach(async () => {
  await resetDatabase();
  sourceId = (await createSource(testDb(), null, orthancSource(`hl7 pacs ${seed}`, orthanc.dicomWebUrl))).id;
});

/** A routine outpatient study in the PACS (DICOM says ROUTINE, OUTPATIENT CLINIC). */
function makeStudy(): SyntheticStudy {
  return generateStudy({
    seed: ++seed,
    kind: "other",
    studyDateTime: new Date(),
    priority: "ROUTINE",
    location: "OUTPATIENT CLINIC",
  });
}
async function toPacsAndIngest(study: SyntheticStudy, instances = study.instances) {
  await new DicomWebAdapter(configForUrl(orthanc.dicomWebUrl, { timeoutMs: 30_000 })).storeInstances(instances);
  await syncSource(testDb(), sourceId);
  return testDb().study.findFirstOrThrow({ where: { studyInstanceUid: study.studyInstanceUid } });
}
const studyRow = (uid: string) => testDb().study.findFirstOrThrow({ where: { studyInstanceUid: uid } });

const msh = (type: string) =>
  `MSH|^~\\&|RIS|GENHOSP|READNEXT|RAD|20261204101500||${type}|CTRL${++messageNo}-${seed}|P|2.5.1`;
const pid = (patientId: string) => `PID|1||${patientId}^^^GENHOSP^MR||DOE^JANE||19700101|F`;
/** OBR with each field at its place in HL7 v2.5.1 (4 procedure, 13 clinical info, 16 orderer, 18 accession, 25 result status, 31 reason). */
const obr = (accession: string, resultStatus = "") => {
  const f: string[] = Array.from({ length: 32 }, () => "");
  f[0] = "OBR";
  f[1] = "1";
  f[2] = `PL-${accession}`;
  f[3] = `FL-${accession}`;
  f[4] = "CTHEAD^CT HEAD WITHOUT CONTRAST^L";
  f[13] = "Fall";
  f[16] = "5678^WILSON^JAMES";
  f[18] = accession;
  f[25] = resultStatus;
  f[31] = "^Suspected subdural haematoma";
  return f.join("|");
};
const order = (
  s: { accessionNumber: string; patientId: string },
  orc = "ORC|NW||||SC||^^^^^S|||||1234^HOUSE^GREGORY^^^DR",
) => [msh("ORM^O01"), pid(s.patientId), "PV1|1|E|ER^TR3^B1", orc, obr(s.accessionNumber)].join("\r");

async function send(text: string) {
  const ack = await client.sendAndWait(Hl7Message.parse(text), { timeoutMs: 10_000 });
  return {
    code: ack.getSegment("MSA")!.getField(1).toString(),
    controlId: ack.getSegment("MSA")!.getField(2).toString(),
    text: ack.getSegment("MSA")!.getField(3).toString(),
    // HL7 escapes its delimiters inside a field (v2.5.1 2.7): \S\ is ^, \F\ is |.
    err: ack.getSegment("ERR")?.getField(8).toString().replace(/\\S\\/g, "^").replace(/\\F\\/g, "|") ?? null,
  };
}

/** Writes raw bytes on a fresh connection; resolves with what came back and whether the server closed it. */
function raw(bytes: Buffer, waitMs = 2000, halfClose = false): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(listener.port, "127.0.0.1");
    let reply = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ reply, closed: false });
    }, waitMs);
    socket.on("data", (d) => (reply += d.toString("utf8")));
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ reply, closed: true });
    });
    socket.on("error", reject);
    if (halfClose) socket.end(bytes);
    else socket.write(bytes);
  });
}
const mllp = (text: string) => Buffer.concat([Buffer.of(0x0b), Buffer.from(text), Buffer.of(0x1c, 0x0d)]);
const reader = () => makeUser(["radiologist"]);
const auditCount = (studyId: string) => testDb().auditEvent.count({ where: { studyId } });

describe("HL7 orders matched to DICOM studies by accession", () => {
  it("study first, then its order: the order's priority, location, procedure, reason and orderer win", async () => {
    const study = makeStudy();
    const before = await toPacsAndIngest(study);
    expect(before).toMatchObject({ orderPriority: "ROUTINE", patientLocation: "OUTPATIENT", reasonForExam: null });

    const ack = await send(order(study));
    expect(ack.code).toBe("AA");
    expect(ack.text).toMatch(/1 study updated/);

    const after = await studyRow(study.studyInstanceUid);
    expect(after).toMatchObject({
      orderPriority: "STAT",
      patientLocation: "ED",
      description: "CT HEAD WITHOUT CONTRAST",
      procedureCode: "CTHEAD",
      reasonForExam: "Suspected subdural haematoma",
      orderingProvider: "DR GREGORY HOUSE",
    });
    // STAT ED is due far sooner than routine outpatient (default SLA table: 30 min against 24 h).
    expect(after.dueAt!.getTime()).toBeLessThan(before.dueAt!.getTime());
    expect(after.dueAt!.getTime() - after.firstSeenAt.getTime()).toBe(30 * 60_000);
    // The worklist row says why and who asked.
    const me = await reader();
    const { rows } = await listWorklist(testDb(), me.id, { filters: NO_FILTERS, limit: 10, offset: 0 });
    expect(rows.find((r) => r.id === after.id)).toMatchObject({
      reasonForExam: "Suspected subdural haematoma",
      orderingProvider: "DR GREGORY HOUSE",
      orderPriority: "STAT",
    });
  });

  it("order first, then its study: the study arrives with the order's data", async () => {
    const study = makeStudy();
    const ack = await send(order(study));
    expect(ack.code).toBe("AA");
    expect(ack.text).toMatch(/0 studies updated/);
    expect(await testDb().imagingOrder.count({ where: { accessionNumber: study.accessionNumber } })).toBe(1);

    const row = await toPacsAndIngest(study);
    expect(row).toMatchObject({
      orderPriority: "STAT",
      patientLocation: "ED",
      reasonForExam: "Suspected subdural haematoma",
    });
    expect(row.dueAt!.getTime() - row.firstSeenAt.getTime()).toBe(30 * 60_000);
  });

  it("a cancel takes the study off every worklist with the reason; new images do not bring it back", async () => {
    const study = makeStudy();
    // The modality has sent its first image only.
    const row = await toPacsAndIngest(study, study.instances.slice(0, 1));
    await send(order(study));
    const ack = await send(order(study, "ORC|CA||||CA|||||||||||PATREF^Patient refused the scan"));
    expect(ack.code).toBe("AA");

    const cancelled = await studyRow(study.studyInstanceUid);
    expect(cancelled).toMatchObject({
      readingState: "CANCELLED",
      cancelReason: "Patient refused the scan",
      dueAt: null,
      pinnedAt: null,
    });
    const me = await reader();
    const { rows } = await listWorklist(testDb(), me.id, { filters: NO_FILTERS, limit: 50, offset: 0 });
    expect(rows.map((r) => r.id)).not.toContain(row.id);
    await expect(claimStudy(testDb(), me, row.id, { filters: NO_FILTERS })).rejects.toThrow(/cancelled/);
    expect(
      await testDb().auditEvent.findFirst({
        where: { studyId: row.id, action: "study.cancelled" },
        select: { details: true },
      }),
    ).toMatchObject({ details: { reason: "Patient refused the scan" } });

    // More images reach the PACS: a new revision, still cancelled, not queued for scoring.
    const later = await toPacsAndIngest(study, study.instances.slice(1));
    expect(later.revision).toBe(2);
    expect(later).toMatchObject({ readingState: "CANCELLED", dueAt: null });

    // The RIS reinstates the order: back on the list.
    expect((await send(order(study))).code).toBe("AA");
    expect(await studyRow(study.studyInstanceUid)).toMatchObject({ readingState: "UNREAD", cancelReason: null });
    expect((await studyRow(study.studyInstanceUid)).dueAt).not.toBeNull();
  });

  it("ADT^A02 moves the patient: their open study's location and due time follow", async () => {
    const study = makeStudy();
    const row = await toPacsAndIngest(study);
    const ack = await send([msh("ADT^A02"), pid(study.patientId), "PV1|1|I|ICU^5^B"].join("\r"));
    expect(ack).toMatchObject({ code: "AA" });
    expect(ack.text).toMatch(/1 open study updated/);
    const moved = await studyRow(study.studyInstanceUid);
    expect(moved).toMatchObject({ patientLocation: "INPATIENT", patientLocationRaw: "I · ICU 5 B" });
    // Routine inpatient: 4 h by the default SLA table, against 24 h as an outpatient.
    expect(moved.dueAt!.getTime() - row.firstSeenAt.getTime()).toBe(4 * 3600_000);
    expect(await testDb().auditEvent.count({ where: { studyId: row.id, action: "study.location" } })).toBe(1);
  });

  it("ORU^R01 final report marks the study read; an order completed (ORC-5 CM) does too", async () => {
    const a = makeStudy();
    const rowA = await toPacsAndIngest(a);
    const ack = await send(
      [msh("ORU^R01"), pid(a.patientId), "ORC|RE", obr(a.accessionNumber, "F"), "OBX|1|TX|||No bleed||||||F"].join(
        "\r",
      ),
    );
    expect(ack.code).toBe("AA");
    expect(await studyRow(a.studyInstanceUid)).toMatchObject({ readingState: "READ", dueAt: null });
    expect(
      await testDb().auditEvent.findFirst({
        where: { studyId: rowA.id, action: "study.read" },
        select: { details: true },
      }),
    ).toMatchObject({ details: { via: "hl7", reason: "final report" } });

    const b = makeStudy();
    await toPacsAndIngest(b);
    expect((await send(order(b, "ORC|SC||||CM"))).code).toBe("AA");
    expect(await studyRow(b.studyInstanceUid)).toMatchObject({ readingState: "READ" });
  });

  it("a sender that shuts its side right after sending (as nc does) still gets its ACK", async () => {
    const study = makeStudy();
    const answer = await raw(mllp(order(study)), 5000, true);
    expect(answer.reply).toMatch(/MSA\|AA\|/);
    expect(answer.closed).toBe(true);
  });

  it("the same message sent twice changes nothing the second time", async () => {
    const study = makeStudy();
    const row = await toPacsAndIngest(study);
    const message = order(study);
    expect((await send(message)).code).toBe("AA");
    const [events, updated] = [await auditCount(row.id), (await studyRow(study.studyInstanceUid)).updatedAt];
    const again = await send(message);
    expect(again.code).toBe("AA");
    expect(again.text).toMatch(/Already received/);
    expect(await auditCount(row.id)).toBe(events);
    expect((await studyRow(study.studyInstanceUid)).updatedAt).toEqual(updated);
    expect(await testDb().hl7Message.count({ where: { outcome: "ACCEPTED" } })).toBe(1);
  });
});

describe("malformed HL7 and broken MLLP", () => {
  it("refused messages get a NAK with the error in words (MSA-3 and ERR-8), are kept for the admin, change nothing", async () => {
    const study = makeStudy();
    const cases: [string, string, RegExp][] = [
      [[msh("ORM^O01"), pid("P1"), "ORC|NW"].join("\r"), "AE", /ORC segment without its OBR/],
      [[msh("ORM^O01"), pid("P1"), "PV1|1|XX", "ORC|NW", obr(study.accessionNumber)].join("\r"), "AE", /patient class/],
      [[msh("SIU^S12"), pid("P1")].join("\r"), "AR", /SIU\^S12 is not one ReadNext takes/],
      [[msh("ADT^A02"), pid("P1")].join("\r"), "AE", /without a PV1 segment/],
      // Two orders, the second broken: the first is not stored either.
      [[msh("ORM^O01"), pid("P1"), "ORC|NW", obr(study.accessionNumber), "ORC|NW"].join("\r"), "AE", /without its OBR/],
    ];
    for (const [text, code, words] of cases) {
      const ack = await send(text);
      expect(ack.code).toBe(code);
      expect(ack.err).toMatch(words);
      expect(ack.controlId).toBe(text.split("|")[9]);
    }
    expect(await testDb().imagingOrder.count()).toBe(0);
    const kept = await listRefusedHl7Messages(testDb());
    expect(kept).toHaveLength(cases.length);
    expect(kept[0]!.detail).toMatch(/without its OBR/);
    expect(kept.map((k) => k.ackCode).sort()).toEqual(["AE", "AE", "AE", "AE", "AR"]);
  });

  it("not HL7 inside a frame: AR; garbage outside frames, an oversized message, broken framing and a stalled frame close the connection; others are still served", async () => {
    const notHl7 = await raw(mllp("hello, is this the RIS?"));
    expect(notHl7.reply).toMatch(/MSA\|AR\|/);
    expect(notHl7.reply).toMatch(/must start with an MSH segment/);

    const garbage = await raw(Buffer.from("GET / HTTP/1.1\r\n".repeat(400)));
    expect(garbage.closed).toBe(true);

    const big = await raw(mllp([msh("ORM^O01"), `NTE|1||${"x".repeat(LIMIT)}`].join("\r")));
    expect(big).toMatchObject({ closed: true, reply: "" });

    const broken = await raw(Buffer.concat([Buffer.of(0x0b), Buffer.from(msh("ORM^O01")), mllp(msh("ORM^O01"))]));
    expect(broken.closed).toBe(true);

    // Half a message, then silence: closed after the frame timeout (700 ms here), not held open for ever.
    const stalled = await raw(Buffer.concat([Buffer.of(0x0b), Buffer.from(msh("ORM^O01"))]), 5000);
    expect(stalled.closed).toBe(true);

    // Meanwhile and afterwards, a good message on another connection is answered.
    const study = makeStudy();
    expect((await send(order(study))).code).toBe("AA");

    const kept = await listRefusedHl7Messages(testDb());
    const reasons = kept.map((k) => k.detail).join("\n");
    expect(reasons).toMatch(/outside any MLLP frame/);
    expect(reasons).toMatch(/larger than the limit of 65536 bytes/);
    expect(reasons).toMatch(/before the previous one ended/);
    expect(reasons).toMatch(/no end of message/);
    // The oversized message's sender is named from its MSH.
    expect(kept.find((k) => /larger than/.test(k.detail))).toMatchObject({ messageType: "ORM^O01", ackCode: null });
  });

  it("the admin's list keeps the newest 100 refusals", async () => {
    await testDb().hl7Message.createMany({
      data: Array.from({ length: 130 }, (_, i) => ({
        outcome: "REJECTED" as const,
        detail: `refusal ${i}`,
        text: "x",
        receivedAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
      })),
    });
    await pruneHl7Messages(testDb());
    const kept = await listRefusedHl7Messages(testDb());
    expect(kept).toHaveLength(100);
    expect(kept[0]!.detail).toBe("refusal 129");
    expect(kept.at(-1)!.detail).toBe("refusal 30");
  });
});

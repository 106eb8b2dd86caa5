import { describe, expect, it } from "vitest";
import { Hl7Refusal, readHl7Message, unescapeHl7 } from "@/lib/hl7/read-message";

// Messages laid out as HL7 v2.3–2.5.1 and IHE Radiology Scheduled Workflow send them; the expected
// values come from the standard's tables (0004 patient class, 0027 priority, 0119 order control,
// 0038 order status), written out here by hand.
const msh = (type: string, id = "MSG0001") =>
  `MSH|^~\\&|RIS|GENHOSP|READNEXT|RAD|20261204101500||${type}|${id}|P|2.5.1`;
const pid = "PID|1||MRN123^^^GENHOSP^MR~999-99-9999^^^USSSA^SS||DOE^JANE^Q||19700101|F";
const obr = (accession = "ACC100", extra: Partial<Record<number, string>> = {}) => {
  const f: string[] = Array.from({ length: 32 }, () => "");
  f[0] = "OBR";
  f[1] = "1";
  f[2] = "PL100";
  f[3] = "FL100";
  f[4] = "CTHEAD^CT HEAD WITHOUT CONTRAST^L";
  f[13] = "Fall from standing";
  f[16] = "5678^WILSON^JAMES^^^DR";
  f[18] = accession;
  f[31] = "R51^Headache, suspected bleed^I10";
  for (const [k, v] of Object.entries(extra)) f[Number(k)] = v!;
  return f.join("|");
};
const orm = (orc: string, pv1 = "PV1|1|E|ER^TR3^B1^GENHOSP", accession = "ACC100") =>
  [msh("ORM^O01"), pid, pv1, orc, obr(accession)].join("\r");
const refusal = (raw: string) => {
  try {
    readHl7Message(raw);
  } catch (e) {
    if (e instanceof Hl7Refusal) return { ack: e.ackCode, text: e.message, controlId: e.header?.controlId };
    throw e;
  }
  throw new Error("expected a refusal");
};

describe("HL7 v2 orders (ORM^O01, OMI^O23)", () => {
  it("a new STAT ED order: every field where the standard puts it", () => {
    const { header, action } = readHl7Message(
      orm("ORC|NW|PL100|FL100||SC||^^^^^S||20261204101400|||1234^HOUSE^GREGORY^^^DR"),
    );
    expect(header).toEqual({
      messageType: "ORM^O01",
      controlId: "MSG0001",
      sendingApplication: "RIS",
      sendingFacility: "GENHOSP",
    });
    expect(action).toEqual({
      kind: "orders",
      orders: [
        {
          accessionNumber: "ACC100", // OBR-18 (no IPC segment in ORM)
          placerOrderNumber: "PL100",
          fillerOrderNumber: "FL100",
          patientId: "MRN123", // first repetition of PID-3
          patientName: "DOE^JANE",
          orderPriority: "STAT", // ORC-7.6 S
          orderPriorityRaw: "S",
          patientClass: "E",
          patientLocation: "ED",
          patientLocationRaw: "E · ER TR3 B1 GENHOSP",
          orderingProvider: "DR GREGORY HOUSE", // ORC-12 before OBR-16
          reasonForExam: "Headache, suspected bleed", // OBR-31 text before OBR-13
          procedureCode: "CTHEAD",
          procedureDescription: "CT HEAD WITHOUT CONTRAST",
          status: "SCHEDULED",
          statusReason: null,
        },
      ],
    });
  });

  it("HL7 priorities (table 0027) and patient classes (table 0004) map to ReadNext's classes", () => {
    const cases: [string, string | null][] = [
      ["S", "STAT"],
      ["A", "HIGH"],
      ["R", "ROUTINE"],
      ["P", "MEDIUM"],
      ["STAT", "STAT"],
      ["Q", null],
    ];
    for (const [code, expected] of cases) {
      const { action } = readHl7Message(orm(`ORC|NW|PL100|FL100||SC||^^^^^${code}`));
      expect(action.kind === "orders" && action.orders[0]!.orderPriority).toBe(expected);
      expect(action.kind === "orders" && action.orders[0]!.orderPriorityRaw).toBe(code);
    }
    const classes: [string, string][] = [
      ["I", "INPATIENT"],
      ["O", "OUTPATIENT"],
      ["E", "ED"],
    ];
    for (const [code, expected] of classes) {
      const { action } = readHl7Message(orm("ORC|NW|PL100|FL100", `PV1|1|${code}|W4B^12^A`));
      expect(action.kind === "orders" && action.orders[0]!.patientLocation).toBe(expected);
    }
    // No class: the ward's name still says where (as DICOM locations are read).
    const { action } = readHl7Message(orm("ORC|NW|PL100|FL100", "PV1|1||ICU^3"));
    expect(action.kind === "orders" && action.orders[0]).toMatchObject({
      patientLocation: "INPATIENT",
      patientClass: null,
    });
    // No PV1 at all: the order says nothing about location, so the study keeps its own.
    const bare = readHl7Message([msh("ORM^O01"), pid, "ORC|NW|PL100|FL100", obr()].join("\r"));
    expect(bare.action.kind === "orders" && bare.action.orders[0]!.patientLocation).toBeNull();
  });

  it("cancel (ORC-1 CA / OC / DC) with its reason (ORC-16); completed (ORC-5 CM)", () => {
    for (const control of ["CA", "OC", "DC"]) {
      const { action } = readHl7Message(orm(`ORC|${control}|PL100|FL100||CA|||||||||||PATREF^Patient refused`));
      expect(action.kind === "orders" && action.orders[0]).toMatchObject({
        status: "CANCELLED",
        statusReason: "Patient refused",
      });
    }
    const noReason = readHl7Message(orm("ORC|CA|PL100|FL100"));
    expect(noReason.action.kind === "orders" && noReason.action.orders[0]!.statusReason).toBe("cancelled in RIS");
    const done = readHl7Message(orm("ORC|SC|PL100|FL100||CM"));
    expect(done.action.kind === "orders" && done.action.orders[0]!.status).toBe("COMPLETED");
    const started = readHl7Message(orm("ORC|SC|PL100|FL100||IP"));
    expect(started.action.kind === "orders" && started.action.orders[0]!.status).toBe("IN_PROGRESS");
  });

  it("OMI^O23 takes the accession from IPC-1 and the priority from TQ1-9", () => {
    const raw = [
      msh("OMI^O23"),
      pid,
      "PV1|1|I|W4B^12^A",
      "ORC|NW|PL200|FL200",
      "TQ1|1||||||||S^Stat^HL70485",
      obr("OBR18VALUE"),
      "IPC|ACC200^RIS|RP200|1.2.840.99.1|SPS200|CT",
    ].join("\r");
    const { action } = readHl7Message(raw);
    expect(action.kind === "orders" && action.orders[0]).toMatchObject({
      accessionNumber: "ACC200",
      orderPriority: "STAT",
      patientLocation: "INPATIENT",
    });
  });

  it("several orders in one message: one per ORC group, each with its own OBR", () => {
    const raw = [msh("ORM^O01"), pid, "PV1|1|O", "ORC|NW|P1|F1", obr("ACC1"), "ORC|NW|P2|F2", obr("ACC2")].join("\r");
    const { action } = readHl7Message(raw);
    expect(action.kind === "orders" && action.orders.map((o) => o.accessionNumber)).toEqual(["ACC1", "ACC2"]);
  });

  it("the accession falls back to ORC-3, then OBR-3, when OBR-18 is empty", () => {
    const raw = [msh("ORM^O01"), pid, "ORC|NW|PL9|FILLER9", obr("")].join("\r");
    const { action } = readHl7Message(raw);
    expect(action.kind === "orders" && action.orders[0]!.accessionNumber).toBe("FILLER9");
  });

  it("escape sequences are undone (\\S\\ is ^, \\F\\ is |, \\T\\ is &, \\E\\ is \\)", () => {
    expect(unescapeHl7("A\\S\\B\\F\\C\\T\\D\\E\\E")).toBe("A^B|C&D\\E");
    expect(unescapeHl7("A\\R\\B")).toBe("A~B");
    // Escapes ReadNext does not use (hex, formatting) are dropped whole, not left as backslashes.
    expect(unescapeHl7("A\\X41\\B\\.br\\C")).toBe("ABC");
  });
});

describe("the rest of HL7 tables 0004 and 0027, and the edges of each field", () => {
  it("every patient class of table 0004 maps to a location class", () => {
    const table: [string, string][] = [
      ["E", "ED"],
      ["I", "INPATIENT"],
      ["B", "INPATIENT"], // obstetrics: admitted
      ["O", "OUTPATIENT"],
      ["P", "OUTPATIENT"], // preadmit
      ["R", "OUTPATIENT"], // recurring
      ["C", "OUTPATIENT"], // commercial account
      ["N", "UNKNOWN"], // not applicable
      ["U", "UNKNOWN"],
    ];
    for (const [code, expected] of table) {
      const { action } = readHl7Message([msh("ADT^A08"), pid, `PV1|1|${code.toLowerCase()}`].join("\r"));
      expect(action.kind === "patient-move" && action.move).toMatchObject({
        patientClass: code,
        patientLocation: expected,
      });
    }
  });

  it("timing-critical (T) and callback (C) priorities, ASAP spelled out, and the first source that says wins", () => {
    const priorityOf = (orc: string, extra: string[] = []) => {
      const { action } = readHl7Message([msh("ORM^O01"), pid, orc, ...extra, obr()].join("\r"));
      return action.kind === "orders" ? action.orders[0]!.orderPriority : undefined;
    };
    expect(priorityOf("ORC|NW|P|F||||^^^^^T")).toBe("HIGH");
    expect(priorityOf("ORC|NW|P|F||||^^^^^C")).toBe("MEDIUM");
    expect(priorityOf("ORC|NW|P|F||||^^^^^asap")).toBe("HIGH");
    // TQ1-9 before ORC-7.6.
    expect(priorityOf("ORC|NW|P|F||||^^^^^R", ["TQ1|1||||||||S"])).toBe("STAT");
  });

  it("completed orders say so; a cancel without a reason or sender says who cancelled", () => {
    const done = readHl7Message(orm("ORC|SC|P|F||CM"));
    expect(done.action.kind === "orders" && done.action.orders[0]!.statusReason).toBe("order completed in RIS");
    const anonymous = readHl7Message(
      ["MSH|^~\\&|||READNEXT|RAD|20261204||ORM^O01|M1|P|2.5.1", pid, "ORC|CA|P|F", obr()].join("\r"),
    );
    expect(anonymous.action.kind === "orders" && anonymous.action.orders[0]!.statusReason).toBe("cancelled in the RIS");
    expect(anonymous.header).toMatchObject({ sendingApplication: null, sendingFacility: null });
  });

  it("an ordering provider given only by ID is named by it; a long reason is cut at 1,000 characters", () => {
    const raw = [
      msh("ORM^O01"),
      pid,
      "ORC|NW|P|F|||||||||D123",
      obr("ACC1").replace("^Headache, suspected bleed^I10", `^${"r".repeat(1500)}`),
    ].join("\r");
    const { action } = readHl7Message(raw);
    expect(action.kind === "orders" && action.orders[0]).toMatchObject({ orderingProvider: "D123" });
    expect(action.kind === "orders" && action.orders[0]!.reasonForExam).toHaveLength(1000);
  });

  it("identifiers with control characters and over-long control IDs are refused", () => {
    expect(refusal(orm("ORC|NW|P1|F1", "PV1|1|E", "ACC\u0007X")).text).toMatch(/control characters/);
    expect(refusal(`${msh("ORM^O01").replace("MSG0001", "C".repeat(200))}\r${pid}`).text).toMatch(/longer than 199/);
  });

  it("ORU^R01 with several final results names each accession once", () => {
    const raw = [
      msh("ORU^R01"),
      pid,
      obr("ACC1", { 25: "F" }),
      "OBX|1|TX|||x",
      obr("ACC2", { 25: "F" }),
      obr("ACC1", { 25: "C" }),
    ].join("\r");
    expect(readHl7Message(raw).action).toEqual({ kind: "final-report", accessionNumbers: ["ACC1", "ACC2"] });
  });
});

describe("patient moves and final reports", () => {
  it("ADT^A02 moves the patient: PID-3 and PV1-2/PV1-3", () => {
    const { action } = readHl7Message([msh("ADT^A02"), pid, "PV1|1|I|ICU^5^B"].join("\r"));
    expect(action).toEqual({
      kind: "patient-move",
      move: { patientId: "MRN123", patientClass: "I", patientLocation: "INPATIENT", patientLocationRaw: "I · ICU 5 B" },
    });
  });

  it("ADT^A03 (discharge) is acknowledged and ignored", () => {
    expect(readHl7Message([msh("ADT^A03"), pid, "PV1|1|I"].join("\r")).action.kind).toBe("ignored");
  });

  it("ORU^R01 with a final (F) or corrected (C) result names the accessions to mark read; preliminary does not", () => {
    const oru = (status: string) =>
      [msh("ORU^R01"), pid, "ORC|RE|PL100|FL100", obr("ACC100", { 25: status }), "OBX|1|TX|||No bleed"].join("\r");
    expect(readHl7Message(oru("F")).action).toEqual({ kind: "final-report", accessionNumbers: ["ACC100"] });
    expect(readHl7Message(oru("C")).action).toEqual({ kind: "final-report", accessionNumbers: ["ACC100"] });
    expect(readHl7Message(oru("P")).action.kind).toBe("ignored");
  });

  it("spaces around a value are not part of it", () => {
    const { action } = readHl7Message([msh("ADT^A02"), "PID|1|| MRN123 ", "PV1|1| I |ICU"].join("\r"));
    expect(action.kind === "patient-move" && action.move).toMatchObject({ patientId: "MRN123", patientClass: "I" });
  });

  it("segments separated by line feeds are read as well as by carriage returns", () => {
    const { action } = readHl7Message([msh("ADT^A08"), pid, "PV1|1|O|CLINIC"].join("\r\n") + "\r\n");
    expect(action.kind).toBe("patient-move");
  });
});

describe("messages ReadNext refuses, with the reason in words", () => {
  it("not HL7 at all, or no MSH first: AR", () => {
    expect(refusal("hello world")).toMatchObject({ ack: "AR", text: expect.stringMatching(/must start with an MSH/) });
    expect(refusal(`${pid}\r${msh("ORM^O01")}`)).toMatchObject({ ack: "AR" });
  });

  it("no message type or control ID in MSH: AR", () => {
    expect(refusal("MSH|^~\\&|RIS|H|RN|R|20261204||^|MSG9|P|2.5").text).toMatch(/MSH-9/);
    expect(refusal("MSH|^~\\&|RIS|H|RN|R|20261204||ORM^O01||P|2.5").text).toMatch(/MSH-10/);
  });

  it("a message type ReadNext does not take: AR naming the supported ones", () => {
    const r = refusal([msh("SIU^S12", "X7"), pid].join("\r"));
    expect(r).toMatchObject({ ack: "AR", controlId: "X7" });
    expect(r.text).toMatch(/SIU\^S12 is not one ReadNext takes.*ORM\^O01/);
  });

  it("missing segments: AE with what is missing", () => {
    expect(refusal([msh("ORM^O01"), pid, "PV1|1|E"].join("\r")).text).toMatch(/without an ORC segment/);
    expect(refusal([msh("ORM^O01"), pid, "ORC|NW|P1|F1"].join("\r")).text).toMatch(/ORC segment without its OBR/);
    expect(refusal([msh("ADT^A02"), pid].join("\r")).text).toMatch(/without a PV1 segment/);
    expect(refusal([msh("ADT^A02"), "PID|1", "PV1|1|I"].join("\r")).text).toMatch(/without a patient ID/);
    expect(refusal([msh("ORU^R01"), pid].join("\r")).text).toMatch(/without an OBR segment/);
  });

  it("wrong values: a patient class outside table 0004, an unknown order control, an over-long or empty accession", () => {
    expect(refusal(orm("ORC|NW|P1|F1", "PV1|1|ZZ")).text).toMatch(/PV1-2 \(patient class\) is "ZZ"/);
    expect(refusal(orm("ORC|QQ|P1|F1")).text).toMatch(/ORC-1 \(order control\) "QQ"/);
    expect(refusal(orm("ORC||P1|F1")).text).toMatch(/ORC-1 \(order control\) is empty/);
    expect(refusal(orm("ORC|NW|P1|F1", "PV1|1|E", "A".repeat(65))).text).toMatch(
      /OBR-18 \(accession number\) is longer/,
    );
    expect(refusal([msh("ORM^O01"), pid, "ORC|NW", obr("", { 3: "" })].join("\r")).text).toMatch(/No accession number/);
  });

  it("one bad order in a message refuses the whole message (nothing half-applied)", () => {
    const raw = [msh("ORM^O01"), pid, "ORC|NW|P1|F1", obr("ACC1"), "ORC|NW"].join("\r");
    expect(refusal(raw).text).toMatch(/ORC segment without its OBR/);
  });
});

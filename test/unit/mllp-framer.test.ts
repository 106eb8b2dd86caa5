import { describe, expect, it } from "vitest";
import { MllpFramer, type FramerEvent } from "@/lib/hl7/mllp-framer";

// MLLP per HL7 v2.5.1 Appendix C: <VT=0x0B> message <FS=0x1C><CR=0x0D>. Bytes written out by hand.
const VT = "\x0b",
  FS = "\x1c",
  CR = "\r";
const limits = { maxMessageBytes: 100, maxSkippedBytes: 10 };
const frames = (events: FramerEvent[]) =>
  events.filter((e) => e.type === "frame").map((e) => (e as { bytes: Buffer }).bytes.toString("latin1"));

describe("MLLP framing", () => {
  it("one message in one chunk", () => {
    const f = new MllpFramer(limits);
    expect(frames(f.push(Buffer.from(`${VT}MSH|a${CR}PID|1${FS}${CR}`)))).toEqual([`MSH|a${CR}PID|1`]);
    expect(f.pending).toBe(false);
  });

  it("a message split anywhere, even between FS and CR, comes out whole once", () => {
    const wire = `${VT}MSH|abc${CR}OBR|1${FS}${CR}`;
    for (let cut = 1; cut < wire.length; cut++) {
      const f = new MllpFramer(limits);
      const first = frames(f.push(Buffer.from(wire.slice(0, cut), "latin1")));
      expect(first).toEqual([]);
      expect(f.pending).toBe(true);
      expect(frames(f.push(Buffer.from(wire.slice(cut), "latin1")))).toEqual([`MSH|abc${CR}OBR|1`]);
    }
  });

  it("two pipelined messages in one chunk come out as two", () => {
    const f = new MllpFramer(limits);
    expect(frames(f.push(Buffer.from(`${VT}MSH|1${FS}${CR}${VT}MSH|2${FS}${CR}`)))).toEqual(["MSH|1", "MSH|2"]);
  });

  it("line ends between frames are not counted as stray bytes", () => {
    const f = new MllpFramer(limits);
    const events = f.push(Buffer.from(`${CR}\n${CR}\n${VT}MSH|1${FS}${CR}\n`));
    expect(events.map((e) => e.type)).toEqual(["frame"]);
  });

  it("stray bytes before a frame are reported; beyond the allowance the connection is given up with the reason", () => {
    const f = new MllpFramer(limits);
    expect(f.push(Buffer.from(`xyz${VT}MSH|1${FS}${CR}`)).map((e) => e.type)).toEqual(["skipped", "frame"]);
    const g = new MllpFramer(limits);
    const events = g.push(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n"));
    const fatal = events.find((e) => e.type === "fatal");
    expect(fatal && fatal.type === "fatal" && fatal.reason).toMatch(/outside any MLLP frame/);
    // Nothing more is read from a connection given up on.
    expect(g.push(Buffer.from(`${VT}MSH|1${FS}${CR}`))).toEqual([]);
  });

  it("a message over the size limit is given up with the reason and its start kept", () => {
    const f = new MllpFramer(limits);
    const events = f.push(Buffer.from(`${VT}MSH|${"x".repeat(200)}`));
    const fatal = events.find((e) => e.type === "fatal");
    expect(fatal?.type).toBe("fatal");
    if (fatal?.type !== "fatal") return;
    expect(fatal.reason).toBe("message larger than the limit of 100 bytes");
    expect(fatal.head.toString().startsWith("MSH|x")).toBe(true);
  });

  it("exactly the limit is accepted", () => {
    const f = new MllpFramer(limits);
    const body = `MSH|${"x".repeat(96)}`;
    expect(body.length).toBe(100);
    expect(frames(f.push(Buffer.from(`${VT}${body}${FS}${CR}`)))).toEqual([body]);
  });

  it("a new start (VT) before the end of the previous message is broken framing", () => {
    const f = new MllpFramer(limits);
    const events = f.push(Buffer.from(`${VT}MSH|1${VT}MSH|2${FS}${CR}`));
    expect(frames(events)).toEqual([]);
    const fatal = events.find((e) => e.type === "fatal");
    expect(fatal?.type === "fatal" && fatal.reason).toMatch(/before the previous one ended/);
    expect(fatal?.type === "fatal" && fatal.head.toString()).toBe("MSH|1");
  });

  it("an FS not followed by CR is part of the message", () => {
    const f = new MllpFramer(limits);
    expect(frames(f.push(Buffer.from(`${VT}MSH|a${FS}b${FS}${CR}`)))).toEqual([`MSH|a${FS}b`]);
  });

  it("multi-byte UTF-8 split across chunks stays intact (bytes are joined before decoding)", () => {
    const f = new MllpFramer(limits);
    const bytes = Buffer.concat([Buffer.from(VT), Buffer.from("PID|Müller", "utf8"), Buffer.from(FS + CR)]);
    const at = bytes.indexOf(0xc3) + 1; // between the two bytes of ü
    f.push(bytes.subarray(0, at));
    const [frame] = frames(f.push(bytes.subarray(at)));
    expect(Buffer.from(frame!, "latin1").toString("utf8")).toBe("PID|Müller");
  });

  it("stray bytes alone keep the connection pending (so its timeout runs); the allowance is exact", () => {
    const f = new MllpFramer(limits);
    expect(f.push(Buffer.from("0123456789")).map((e) => e.type)).toEqual(["skipped"]);
    expect(f.pending).toBe(true);
    expect(f.push(Buffer.from("x")).map((e) => e.type)).toEqual(["skipped", "fatal"]);
  });

  it("an FS that is data, then CR at the start of the next chunk, does not end the message", () => {
    const f = new MllpFramer(limits);
    expect(frames(f.push(Buffer.from(`${VT}a${FS}b`)))).toEqual([]);
    expect(frames(f.push(Buffer.from(`${CR}c${FS}${CR}`)))).toEqual([`a${FS}b${CR}c`]);
  });

  it("an oversized message ending in the same chunk is refused, never passed on cut short", () => {
    const ended = new MllpFramer(limits).push(Buffer.from(`${VT}MSH|${"x".repeat(200)}${FS}${CR}`));
    expect(ended.map((e) => e.type)).toEqual(["fatal"]);
    const restarted = new MllpFramer(limits).push(Buffer.from(`${VT}MSH|${"x".repeat(200)}${VT}MSH|2`));
    expect(restarted.map((e) => (e.type === "fatal" ? e.reason : e.type))).toEqual([
      "message larger than the limit of 100 bytes",
    ]);
  });

  it("a second VT with no FS anywhere is broken framing too", () => {
    const events = new MllpFramer(limits).push(Buffer.from(`${VT}MSH|1${VT}MSH|2`));
    expect(events.map((e) => e.type)).toEqual(["fatal"]);
  });
});

/**
 * MLLP framing (HL7 v2's Minimal Lower Layer Protocol): each message travels as
 * VT (0x0B) + message + FS (0x1C) + CR (0x0D). The HL7 packages on npm split frames on
 * "this TCP chunk ends with FS CR" with no size limit, which loses pipelined messages and lets one
 * sender fill memory; this splitter is bounded and says in words what was wrong with the bytes.
 */
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export type FramerEvent =
  /** One whole message (without its framing bytes). */
  | { type: "frame"; bytes: Buffer }
  /** Bytes outside any frame that were skipped (line ends between frames are not counted). */
  | { type: "skipped"; bytes: number }
  /** The connection cannot go on: close it, log the reason. `head` is the start of what was being read. */
  | { type: "fatal"; reason: string; head: Buffer };

export type FramerLimits = {
  /** Largest message accepted, in bytes. */
  maxMessageBytes: number;
  /** Bytes outside a frame tolerated before the peer is taken for something that does not speak MLLP. */
  maxSkippedBytes: number;
};

const HEAD_BYTES = 64 * 1024;

export class MllpFramer {
  private chunks: Buffer[] = [];
  private size = 0;
  private inFrame = false;
  /** The last byte of the frame so far was FS: a CR next ends it. */
  private sawFs = false;
  private skipped = 0;
  private failed = false;

  constructor(private readonly limits: FramerLimits) {}

  /** True while part of a message (or unexplained bytes) is waiting for the rest. */
  get pending(): boolean {
    return this.inFrame || this.skipped > 0;
  }

  push(data: Buffer): FramerEvent[] {
    if (this.failed) return [];
    const events: FramerEvent[] = [];
    let i = 0;
    while (i < data.length) {
      if (!this.inFrame) {
        const start = data.indexOf(VT, i);
        const end = start === -1 ? data.length : start;
        let skipped = 0;
        for (let j = i; j < end; j++) if (data[j] !== CR && data[j] !== 0x0a) skipped++;
        if (skipped > 0) {
          this.skipped += skipped;
          events.push({ type: "skipped", bytes: skipped });
          if (this.skipped > this.limits.maxSkippedBytes) {
            events.push(
              this.fatal(
                `${this.skipped} bytes arrived outside any MLLP frame (a frame starts with VT, 0x0B): not an HL7 MLLP sender`,
                data.subarray(i, end),
              ),
            );
            return events;
          }
        }
        if (start === -1) break;
        this.inFrame = true;
        i = start + 1;
        continue;
      }
      if (this.sawFs) {
        this.sawFs = false;
        if (data[i] === CR) {
          events.push({ type: "frame", bytes: this.take() });
          i++;
          continue;
        }
        // FS not followed by CR is data (some payloads carry it); keep reading the frame.
        this.add(Buffer.of(FS));
        if (this.failed) return [...events, this.fatal(this.tooBig())];
      }
      const fs = data.indexOf(FS, i);
      const vt = data.indexOf(VT, i);
      if (vt !== -1 && (fs === -1 || vt < fs)) {
        this.add(data.subarray(i, vt));
        if (this.failed) return [...events, this.fatal(this.tooBig())];
        events.push(this.fatal("a new message began (VT) before the previous one ended (FS CR)", this.take()));
        return events;
      }
      this.add(data.subarray(i, fs === -1 ? data.length : fs));
      if (this.failed) return [...events, this.fatal(this.tooBig())];
      if (fs === -1) break;
      // The FS itself is held back until the next byte says whether it ends the message.
      this.sawFs = true;
      i = fs + 1;
    }
    return events;
  }

  private add(part: Buffer) {
    if (part.length === 0) return;
    this.size += part.length;
    if (this.size > this.limits.maxMessageBytes) {
      this.failed = true;
      // Keep only the start, for the log and to name the sender.
      if (this.chunks.reduce((n, c) => n + c.length, 0) < HEAD_BYTES) this.chunks.push(part.subarray(0, HEAD_BYTES));
      return;
    }
    this.chunks.push(part);
  }

  /** The frame so far, and a fresh start. */
  private take(): Buffer {
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    this.inFrame = false;
    this.sawFs = false;
    this.skipped = 0;
    return all;
  }

  private tooBig(): string {
    return `message larger than the limit of ${this.limits.maxMessageBytes} bytes`;
  }

  private fatal(reason: string, head?: Buffer): FramerEvent {
    this.failed = true;
    const start = head ?? Buffer.concat(this.chunks);
    this.chunks = [];
    return { type: "fatal", reason, head: start.subarray(0, HEAD_BYTES) };
  }
}

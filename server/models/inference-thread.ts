import { Worker } from "node:worker_threads";
import type { InferenceSession } from "onnxruntime-node";

type Ready = { type: "ready"; inputNames: string[]; outputNames: string[]; inputMetadata: InputMetadata[] };
type Reply =
  | Ready
  | { type: "failed"; message: string }
  | { type: "result"; id: number; outputs: Record<string, ArrayLike<number>>; ms: number }
  | { type: "error"; id: number; message: string };
export type InputMetadata = { name: string; shape?: (number | string)[]; isTensor?: boolean };
export type InferenceResult = { outputs: Record<string, ArrayLike<number>>; ms: number };
export type InferenceOptions = Pick<InferenceSession.SessionOptions, "intraOpNumThreads" | "executionProviders">;

/** The thread died (out of memory, a crash) with runs in flight: worth another attempt, which gets a new thread. */
export class InferenceThreadStoppedError extends Error {}

const BODY = new URL("./inference-thread.worker.mjs", import.meta.url);

/** `bytes` itself when it owns its whole buffer (so the buffer can be handed over), else a copy that does. */
function owning<T extends Uint8Array | Float32Array>(bytes: T): T {
  return (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()) as T;
}

/** Starts a thread, hands it the model, and waits for its session; rejects with onnxruntime's message if it cannot load it. */
async function startThread(bytes: Uint8Array, options: InferenceOptions): Promise<{ worker: Worker; ready: Ready }> {
  const model = owning(bytes);
  const worker = new Worker(BODY, { workerData: { model, options }, transferList: [model.buffer as ArrayBuffer] });
  const first = await new Promise<Reply>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the inference thread stopped while loading (exit code ${code})`)));
  });
  if (first.type !== "ready") {
    await worker.terminate();
    throw new Error(first.type === "failed" ? first.message : `unexpected first message ${first.type}`);
  }
  return { worker, ready: first };
}

/**
 * One model's onnxruntime session in a thread of its own (body: inference-thread.worker.mjs).
 * Runs are queued and done in order; while the thread infers one batch, the caller's thread
 * is free to prepare the next, and the worker's event loop keeps serving the queue and
 * heartbeats. A thread that dies fails the runs in flight (InferenceThreadStoppedError) and
 * is started again on the next run. It holds the process open only while a run is pending.
 */
export class InferenceThread {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: InferenceResult) => void; reject: (e: Error) => void }>();
  private worker!: Worker;
  private stopped: InferenceThreadStoppedError | null = null;
  private exited: Promise<void> = Promise.resolve();
  private restarting: Promise<void> | null = null;
  private released = false;
  /** Threads started again after one died. */
  restarts = 0;

  private constructor(
    private readonly reload: () => Promise<Uint8Array>,
    private readonly options: InferenceOptions,
    started: { worker: Worker; ready: Ready },
  ) {
    this.inputNames = started.ready.inputNames;
    this.outputNames = started.ready.outputNames;
    this.inputMetadata = started.ready.inputMetadata;
    this.attach(started.worker);
  }

  readonly inputNames: string[];
  readonly outputNames: string[];
  readonly inputMetadata: InputMetadata[];

  /** `model` is handed over to the thread (do not use it afterwards); `reload` gives it again for a restart. */
  static async start(
    model: Uint8Array,
    reload: () => Promise<Uint8Array>,
    options: InferenceOptions,
  ): Promise<InferenceThread> {
    return new InferenceThread(reload, options, await startThread(model, options));
  }

  private attach(worker: Worker): void {
    this.worker = worker;
    this.stopped = null;
    worker.on("message", (reply: Reply) => {
      if (reply.type !== "result" && reply.type !== "error") return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.type === "result") waiter?.resolve({ outputs: reply.outputs, ms: reply.ms });
      else waiter?.reject(new Error(reply.message));
    });
    const stop = (why: string) => {
      if (this.worker !== worker) return;
      this.stopped ??= new InferenceThreadStoppedError(`the inference thread stopped (${why})`);
      for (const waiter of this.pending.values()) waiter.reject(this.stopped);
      this.pending.clear();
    };
    worker.on("error", (error) => stop(error.message));
    this.exited = new Promise((resolve) =>
      worker.once("exit", (code) => {
        stop(`exit code ${code}`);
        resolve();
      }),
    );
    worker.unref();
  }

  private restart(): Promise<void> {
    this.restarting ??= this.reload()
      .then((model) => startThread(model, this.options))
      .then((started) => {
        this.attach(started.worker);
        this.restarts += 1;
      })
      .finally(() => {
        this.restarting = null;
      });
    return this.restarting;
  }

  /** Runs the session on one float32 input; `data` is handed over to the thread (do not use it afterwards). */
  async run(input: string, data: Float32Array, dims: number[], outputs: string[]): Promise<InferenceResult> {
    if (this.released) throw new Error("this model was released");
    if (this.stopped) await this.restart();
    const id = this.nextId++;
    const owned = owning(data);
    return new Promise<InferenceResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ type: "run", id, input, data: owned, dims, outputs }, [owned.buffer as ArrayBuffer]);
    });
  }

  /** Releases the session and ends the thread. */
  async release(): Promise<void> {
    this.released = true;
    await this.restarting?.catch(() => undefined);
    this.worker.ref();
    if (!this.stopped) this.worker.postMessage({ type: "release" });
    const timeout = setTimeout(() => void this.worker.terminate(), 5_000);
    await this.exited;
    clearTimeout(timeout);
  }
}

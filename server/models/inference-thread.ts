import { Worker } from "node:worker_threads";
import type { InferenceSession } from "onnxruntime-node";

type Reply =
  | { type: "ready"; inputNames: string[]; outputNames: string[]; inputMetadata: InputMetadata[] }
  | { type: "failed"; message: string }
  | { type: "result"; id: number; outputs: Record<string, ArrayLike<number>>; ms: number }
  | { type: "error"; id: number; message: string };
export type InputMetadata = { name: string; shape?: (number | string)[]; isTensor?: boolean };
export type InferenceResult = { outputs: Record<string, ArrayLike<number>>; ms: number };
export type InferenceOptions = Pick<InferenceSession.SessionOptions, "intraOpNumThreads" | "executionProviders">;

/**
 * One onnxruntime session in a thread of its own (body: inference-thread.worker.mjs). Runs are
 * queued and done in order; while the thread infers one batch, the caller's thread is free
 * to prepare the next, and the worker's event loop keeps serving the queue and heartbeats.
 * The thread holds the process open only while a run is pending.
 */
export class InferenceThread {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: InferenceResult) => void; reject: (e: Error) => void }>();
  private broken: Error | null = null;
  private exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    readonly inputNames: string[],
    readonly outputNames: string[],
    readonly inputMetadata: InputMetadata[],
  ) {
    worker.on("message", (reply: Reply) => {
      if (reply.type !== "result" && reply.type !== "error") return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.type === "result") waiter?.resolve({ outputs: reply.outputs, ms: reply.ms });
      else waiter?.reject(new Error(reply.message));
    });
    const fail = (error: Error) => {
      this.broken ??= error;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on("error", fail);
    this.exited = new Promise((resolve) => worker.once("exit", (code) => {
      fail(new Error(`the inference thread stopped (exit code ${code})`));
      resolve();
    }));
    worker.unref();
  }

  /** Starts the thread and creates the session there; rejects with onnxruntime's message if it cannot. */
  static async start(model: Uint8Array, options: InferenceOptions): Promise<InferenceThread> {
    const worker = new Worker(new URL("./inference-thread.worker.mjs", import.meta.url), { workerData: { model, options } });
    const first = await new Promise<Reply>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the inference thread stopped while loading (exit code ${code})`)));
    });
    if (first.type !== "ready") {
      await worker.terminate();
      throw new Error(first.type === "failed" ? first.message : `unexpected first message ${first.type}`);
    }
    return new InferenceThread(worker, first.inputNames, first.outputNames, first.inputMetadata);
  }

  /** Runs the session on one float32 input; `data` is handed over to the thread (do not use it afterwards). */
  run(input: string, data: Float32Array, dims: number[], outputs: string[]): Promise<InferenceResult> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    const owned = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
    return new Promise<InferenceResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ type: "run", id, input, data: owned, dims, outputs }, [owned.buffer as ArrayBuffer]);
    });
  }

  /** Releases the session and ends the thread. */
  async release(): Promise<void> {
    this.worker.ref();
    if (!this.broken) this.worker.postMessage({ type: "release" });
    const timeout = setTimeout(() => void this.worker.terminate(), 5_000);
    await this.exited;
    clearTimeout(timeout);
  }
}

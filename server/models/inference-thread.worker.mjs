// The body of an inference thread (started by inference-thread.ts): one onnxruntime session, run off
// the worker's main thread. onnxruntime-node runs a session synchronously on the thread that
// calls it, so in the main thread inference would block the event loop (queue, heartbeats)
// and could never overlap the next batch's preprocessing. Plain JavaScript: Node loads it as
// is, whatever runs the main thread (tsx, vitest).
import { parentPort, workerData } from "node:worker_threads";
import ort from "onnxruntime-node";

const messageOf = (error) => (error instanceof Error ? error.message : String(error));

async function main() {
  let session;
  try {
    session = await ort.InferenceSession.create(workerData.model, workerData.options);
  } catch (error) {
    parentPort.postMessage({ type: "failed", message: messageOf(error) });
    return;
  }
  parentPort.postMessage({
    type: "ready",
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: JSON.parse(JSON.stringify(session.inputMetadata ?? [])),
  });
  // One run at a time, in arrival order, so each run's time is its own and not its wait.
  let queue = Promise.resolve();
  parentPort.on("message", (message) => {
    queue = queue.then(() => handle(session, message));
  });
}

async function handle(session, message) {
  if (message.type === "release") {
    await session.release().catch(() => undefined);
    parentPort.close();
    return;
  }
  // A message this thread does not know is a bug in the caller: end the thread (the rejection is
  // unhandled), so its runs fail as stopped and the next run starts a fresh thread.
  if (message.type !== "run") throw new Error(`inference thread: unknown message type ${String(message.type)}`);
  const started = performance.now();
  try {
    const result = await session.run({ [message.input]: new ort.Tensor("float32", message.data, message.dims) });
    const outputs = {};
    for (const name of message.outputs) outputs[name] = result[name].data;
    const ms = performance.now() - started;
    parentPort.postMessage(
      { type: "result", id: message.id, outputs, ms },
      Object.values(outputs).map((d) => d.buffer),
    );
  } catch (error) {
    parentPort.postMessage({ type: "error", id: message.id, message: messageOf(error) });
  }
}

void main();

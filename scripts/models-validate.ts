// npm run models:validate -- <dir>: checks a dropped-in model directory (manifest.json +
// model file) and reports every problem at once: manifest fields, sha256, input/output
// names and shapes against the ONNX session.
import { loadModel, ModelRefusedError } from "../server/models/model-session";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: npm run models:validate -- <model directory>");
  process.exit(2);
}
try {
  const model = await loadModel(dir);
  console.log(
    `OK: ${model.manifest.id} ${model.manifest.version} (inputs ${model.inference.inputNames.join(", ")}; outputs ${model.inference.outputNames.join(", ")})`,
  );
  await model.inference.release();
} catch (error) {
  if (!(error instanceof ModelRefusedError)) throw error;
  console.error(`REFUSED: ${error.message}`);
  process.exit(1);
}

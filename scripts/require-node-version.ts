// Imported first by `npm start`: on a Node.js that package.json's `engines` does not allow,
// stop with a sentence instead of a syntax or API error from deep inside a dependency.
import { readFileSync } from "node:fs";
import { nodeVersionProblem } from "../server/runtime/preflight";

const engines = (JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } }).engines.node;
const problem = nodeVersionProblem(process.version, engines);
if (problem) {
  console.error(problem);
  process.exit(1);
}

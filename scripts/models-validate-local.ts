// npm run models:validate-local -- --model <id>@<version> --labels <file.csv> [--target-sensitivity 0.95]
// Scores the site's own labelled studies from its PACS through the workers' path and reports
// AUC with a bootstrap 95% CI, operating points and subgroups. Stored in the database (shown on
// the admin page and the model card); run it again with the same file to resume an interrupted run.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { createDb } from "../server/db/client";
import { env } from "../server/env";
import { provideDatabase } from "../server/runtime/database";
import { ModelRegistry } from "../server/models/model-registry";
import { getValidation, runValidation, startValidation } from "../server/models/local-validation";
import { validationReport } from "../lib/models/validation-report";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    labels: { type: "string" },
    "target-sensitivity": { type: "string" },
  },
});
const [modelId, version] = (values.model ?? "").split("@");
if (!modelId || !version || !values.labels) {
  console.error(
    "Usage: npm run models:validate-local -- --model <id>@<version> --labels <file.csv> [--target-sensitivity 0.95]",
  );
  process.exit(2);
}
const target = values["target-sensitivity"] === undefined ? undefined : Number(values["target-sensitivity"]);
if (target !== undefined && !(target > 0 && target <= 1)) {
  console.error("--target-sensitivity must be a number above 0 and at most 1");
  process.exit(2);
}
const labelsText = await readFile(values.labels, "utf8").catch((e: Error) => {
  console.error(`Cannot read ${values.labels}: ${e.message}`);
  process.exit(2);
});

const config = env();
const database = await provideDatabase(() => undefined);
const db = createDb(database.url);
const registry = await ModelRegistry.load(config.MODELS_DIR, {
  threads: config.SCORING_THREADS,
  executionProvider: config.SCORING_EXECUTION_PROVIDER,
});
try {
  const model = registry.loaded.find((m) => m.manifest.id === modelId && m.manifest.version === version);
  if (!model) {
    const refused = registry.refused.find((r) => r.modelId === modelId && r.version === version);
    const found = registry.loaded.map((m) => `${m.manifest.id}@${m.manifest.version}`).join(", ") || "none";
    throw new Error(
      refused
        ? `${modelId} ${version} is refused: ${refused.reason}`
        : `no ${modelId}@${version} in ${config.MODELS_DIR} (found: ${found})`,
    );
  }
  await registry.record(db, config.NEW_MODEL_MODE);
  const { id, resumed } = await startValidation(db, {
    modelId,
    version,
    labelsName: path.basename(values.labels),
    labelsText,
    targetSensitivity: target,
    actorId: null,
    runBy: "cli",
  });
  const run = await db.modelValidation.findUniqueOrThrow({ where: { id } });
  console.log(`${resumed ? "Resuming" : "Started"} validation ${id}: ${run.total} rows, ${run.done} already done.`);
  const bar = new cliProgress.SingleBar(
    { format: "{bar} {value}/{total} studies · {percentage}% · ETA {eta_formatted}", hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(run.total, run.done);
  await runValidation(db, id, model, { onProgress: (done) => bar.update(done) });
  bar.stop();
  console.log(`\n${validationReport(await getValidation(db, id))}`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await registry.release();
  await db.$disconnect();
  await database.stop();
}

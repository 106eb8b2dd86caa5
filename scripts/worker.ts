// npm run worker: a worker process (PACS sync today; scoring jobs as they land).
import { runWorker } from "../server/worker/run-worker";

await runWorker();
process.exit(0);

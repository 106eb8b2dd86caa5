// npm run hl7: the HL7 v2 (MLLP) listener for orders from the RIS, on HL7_HOST:HL7_PORT.
import { runHl7Listener } from "../server/hl7/run-hl7-listener";

await runHl7Listener();
process.exit(0);

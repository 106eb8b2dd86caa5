// Runs in the browser before the app's own code. The Content-Security-Policy (proxy.ts) forbids
// eval; zod would otherwise probe for it (`new Function("")`) at its first parse, which the browser
// blocks and reports as a violation. Without the probe zod validates the same, just uncompiled.
import { z } from "zod";

z.config({ jitless: true });

import { createTRPCRouter, roleProcedure } from "../trpc";
import { env } from "../../env";
import { hl7Summary, listRefusedHl7Messages } from "../../hl7/hl7-intake";

const adminProcedure = roleProcedure("admin");

export const hl7Router = createTRPCRouter({
  /** Whether the listener is configured, where, and what came in over the last day. */
  status: adminProcedure.query(async ({ ctx }) => {
    const { HL7_PORT, HL7_HOST } = env();
    return { listening: HL7_PORT ? { host: HL7_HOST, port: HL7_PORT } : null, ...(await hl7Summary(ctx.db)) };
  }),
  /** The last 100 messages refused (NAK or closed connection), with their errors. */
  refused: adminProcedure.query(({ ctx }) => listRefusedHl7Messages(ctx.db)),
});

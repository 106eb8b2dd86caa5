import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { reportsDb, type Db } from "../db/client";
import type { CurrentUser } from "../auth/current-user";
import type { RequestOrigin } from "../audit/patient-data-views";
import { hasAnyRole, type RoleName } from "@/lib/roles";
import { ConflictError, InvalidRequestError, NotAllowedError, NotFoundError } from "../core/errors";

export type Context = {
  db: Db;
  user: CurrentUser | null;
  /** Where the request came from (the audit log's "from where"); absent for in-process callers. */
  origin?: RequestOrigin;
};

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      message: zod ? zod.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ") : shape.message,
      data: { ...shape.data, zodIssues: zod?.issues ?? null },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Turns services' domain errors into the right 4xx instead of a 500. */
const mapServiceErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof NotFoundError) throw new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
    if (cause instanceof ConflictError) throw new TRPCError({ code: "CONFLICT", message: cause.message, cause });
    if (cause instanceof NotAllowedError) throw new TRPCError({ code: "FORBIDDEN", message: cause.message, cause });
    if (cause instanceof InvalidRequestError)
      throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapServiceErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** A procedure only users holding one of `roles` may call. */
export function roleProcedure(...roles: RoleName[]) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!hasAnyRole(ctx.user.roles, roles)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Requires the ${roles.join(" or ")} role.` });
    }
    return next({ ctx });
  });
}

/**
 * A history view (the chair's figures over days and months): a `roleProcedure` whose queries go to
 * the read replica when DATABASE_REPORTS_URL names one. Its service must only read.
 */
export function reportProcedure(...roles: RoleName[]) {
  return roleProcedure(...roles).use(({ ctx, next }) => next({ ctx: { ...ctx, db: reportsDb() ?? ctx.db } }));
}

import { createCallerFactory, createTRPCRouter } from "./trpc";
import { meRouter } from "./routers/me";
import { usersRouter } from "./routers/users";
import { auditRouter } from "./routers/audit";
import { worklistRouter } from "./routers/worklist";
import { departmentRouter } from "./routers/department";

export const appRouter = createTRPCRouter({
  me: meRouter,
  users: usersRouter,
  audit: auditRouter,
  worklist: worklistRouter,
  department: departmentRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

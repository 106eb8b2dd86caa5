import { createCallerFactory, createTRPCRouter } from "./trpc";
import { meRouter } from "./routers/me";
import { usersRouter } from "./routers/users";
import { auditRouter } from "./routers/audit";
import { worklistRouter } from "./routers/worklist";
import { departmentRouter } from "./routers/department";
import { pacsSourcesRouter } from "./routers/pacs-sources";
import { whatIfRouter } from "./routers/what-if";
import { settingsRouter } from "./routers/settings";
import { aiModelsRouter } from "./routers/ai-models";
import { routingRouter } from "./routers/routing";
import { hl7Router } from "./routers/hl7";

export const appRouter = createTRPCRouter({
  me: meRouter,
  users: usersRouter,
  audit: auditRouter,
  worklist: worklistRouter,
  department: departmentRouter,
  pacsSources: pacsSourcesRouter,
  whatIf: whatIfRouter,
  settings: settingsRouter,
  aiModels: aiModelsRouter,
  routing: routingRouter,
  hl7: hl7Router,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

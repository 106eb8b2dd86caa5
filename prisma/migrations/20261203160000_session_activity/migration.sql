-- When the person behind a session last used the app (a key, a click): idle logout measures from here.
-- Background refreshes do not move it (POST /api/trpc/me.active does, at most once a minute).
ALTER TABLE "Session" ADD COLUMN "lastActiveAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
